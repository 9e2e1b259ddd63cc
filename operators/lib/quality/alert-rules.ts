/**
 * Evaluation of AlertPolicy rules on records (verdicts, daily reports). A rule applies to a record
 * only when the record carries its field with a value: a verdict says nothing about the composite
 * score, so it must neither fire nor resolve the score alert.
 */
import type { Rec } from '../../../engine/api/index.ts';
import type { AlertPolicySpec, AlertRule, Severity } from './types.ts';

/** The shape of the engine's `alerts` backend, as operators see it (structural, see engine/backends/alerts). */
export interface AlertNotifierLike {
  update(signal: {
    name: string;
    severity: Severity;
    active: boolean;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    receivers?: readonly string[];
  }): Promise<{ status: 'firing' | 'resolved' } | null>;
}

export interface RuleOutcome {
  rule: AlertRule;
  active: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  receivers: readonly string[];
}

export function holds(value: unknown, op: AlertRule['when']['op'], ref: number | string | boolean): boolean {
  const a = typeof ref === 'number' ? Number(value) : value;
  switch (op) {
    case 'lt':
      return (a as number) < (ref as number);
    case 'le':
      return (a as number) <= (ref as number);
    case 'gt':
      return (a as number) > (ref as number);
    case 'ge':
      return (a as number) >= (ref as number);
    case 'eq':
      return a === ref;
    case 'ne':
      return a !== ref;
  }
}

/**
 * Replaces `{field}` with the record's value, `{field:pct}` with it as a percentage.
 * @example render('ratio {r:pct} on {d}', {r: 0.97, d: '2024-12-31'}) === 'ratio 97% on 2024-12-31'
 */
export function render(template: string, rec: Rec): string {
  return template.replace(/\{([A-Za-z0-9_]+)(?::(pct))?\}/g, (_m, k: string, fmt?: string) => {
    const v = rec[k];
    if (v === undefined || v === null) return 'n/a';
    return fmt === 'pct' && Number.isFinite(Number(v)) ? `${Math.round(Number(v) * 1e4) / 100}%` : String(v);
  });
}

/**
 * The outcome of every applicable rule for one record.
 * @example evaluateRules({consistency_ratio: 0.97, trade_date: '2024-12-31'}, policy, {pipeline: 'silver'})
 */
export function evaluateRules(
  rec: Rec,
  policy: AlertPolicySpec,
  base: Record<string, string>,
  only?: readonly string[],
): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const rule of policy.rules) {
    if (only && !only.includes(rule.name)) continue;
    const v = rec[rule.when.field];
    if (v === undefined || v === null || (typeof rule.when.value === 'number' && !Number.isFinite(Number(v))))
      continue;
    const labels = { ...base };
    for (const k of rule.key ?? []) labels[k] = String(rec[k] ?? '');
    out.push({
      rule,
      active: holds(v, rule.when.op, rule.when.value),
      labels,
      annotations: {
        summary: render(rule.summary, rec),
        description: policy.severities[rule.severity].description,
        ...(rec.trade_date ? { trade_date: String(rec.trade_date) } : {}),
      },
      receivers: policy.routes[rule.severity],
    });
  }
  return out;
}

/**
 * Multi-source consistency (DQ-CON-01): per (symbol, trade_date) row carrying both sources' raw
 * values, the relative diff of each configured field against its effective tolerance; per group
 * (trading day) the ratio of consistent rows among overlapping ones and the verdict.
 */
import type { Rec } from '../../../engine/api/index.ts';
import { num, round } from './num.ts';
import type { ConsistencyField, QualityPolicySpec } from './types.ts';
import { tierMultiplier, volatilityIndex } from './volatility.ts';

export interface FieldCheck {
  field: string;
  primary?: number;
  secondary?: number;
  /** |primary - secondary| / |primary|; undefined when a side is missing. */
  diff?: number;
  tolerance: number;
  ok?: boolean;
}

export interface RowCheck {
  /** True when the row has both sources for at least the first (key) field. */
  overlapping: boolean;
  consistent: boolean | null;
  fields: FieldCheck[];
  reasons: string[];
}

/**
 * `diff > limit`, ignoring float noise: a diff of exactly 1 % built as `x * 1.01` computes to
 * 0.010000000000000009 and must not count as "above 1 %".
 */
export function exceeds(diff: number, limit: number): boolean {
  return diff > limit + 1e-12;
}

/** Relative diff; two zeros agree, a zero primary against a non-zero secondary is infinitely off. */
export function relativeDiff(primary: number, secondary: number): number {
  if (primary === secondary) return 0;
  if (primary === 0) return Infinity;
  return Math.abs(primary - secondary) / Math.abs(primary);
}

/**
 * Checks one row. A row overlaps when the first field (close) has both sources; other fields
 * count only when both of their sides are present (a missing Tushare volume is not a disagreement).
 */
export function checkRow(rec: Rec, fields: readonly ConsistencyField[], multiplier: number): RowCheck {
  const checks: FieldCheck[] = fields.map((f) => {
    const tolerance = f.tolerance * (f.dynamic === false ? 1 : multiplier);
    const primary = num(rec[f.primary]);
    const secondary = num(rec[f.secondary]);
    if (primary === undefined || secondary === undefined)
      return { field: f.name, primary, secondary, tolerance };
    const diff = relativeDiff(primary, secondary);
    return { field: f.name, primary, secondary, diff, tolerance, ok: !exceeds(diff, tolerance) };
  });
  const overlapping = checks.length > 0 && checks[0].diff !== undefined;
  if (!overlapping) return { overlapping, consistent: null, fields: checks, reasons: [] };
  const reasons = checks
    .filter((c) => c.ok === false)
    .map(
      (c) =>
        `${c.field} diff ${pct(c.diff!)} > tolerance ${pct(c.tolerance)} (qmt ${c.primary}, tushare ${c.secondary})`,
    );
  return { overlapping, consistent: reasons.length === 0, fields: checks, reasons };
}

export interface GroupVerdict {
  group: string | null;
  rows: number;
  overlapping: number;
  consistent: number;
  /** consistent / overlapping, or null when no row has both sources (nothing to compare). */
  ratio: number | null;
  target: number;
  volatility_index: number | null;
  multiplier: number;
  tolerances: Record<string, number>;
  verdict: 'published' | 'quarantined';
  reason: string | null;
  checks: RowCheck[];
}

/**
 * Evaluates one group of rows (one trading day) against the policy.
 * @example
 * const v = evaluateGroup(rows, policy.spec, '2024-12-31');
 * if (v.verdict === 'quarantined') console.log(v.reason);
 */
export function evaluateGroup(
  rows: readonly Rec[],
  policy: QualityPolicySpec,
  group: string | null,
  indexOverride?: number,
): GroupVerdict {
  const c = policy.consistency;
  const index = policy.dynamic.enabled
    ? (indexOverride ?? volatilityIndex(rows, policy.dynamic.volatility_index))
    : undefined;
  const { multiplier } = policy.dynamic.enabled
    ? tierMultiplier(index, policy.dynamic.tiers)
    : { multiplier: 1 };
  const checks = rows.map((r) => checkRow(r, c.fields, multiplier));
  const overlapping = checks.filter((k) => k.overlapping).length;
  const consistent = checks.filter((k) => k.consistent === true).length;
  const ratio = overlapping === 0 ? null : consistent / overlapping;
  const quarantined = ratio !== null && ratio < c.batch_target;
  const tolerances = Object.fromEntries(
    c.fields.map((f) => [f.name, round(f.tolerance * (f.dynamic === false ? 1 : multiplier), 8)]),
  );
  return {
    group,
    rows: rows.length,
    overlapping,
    consistent,
    ratio,
    target: c.batch_target,
    volatility_index: index ?? null,
    multiplier,
    tolerances,
    verdict: quarantined ? 'quarantined' : 'published',
    reason: quarantined
      ? `multi-source consistency ${pct(ratio!)} (${consistent}/${overlapping} rows) below target ${pct(c.batch_target)}` +
        ` at tolerance ×${multiplier} (volatility index ${index === undefined ? 'n/a' : pct(index)})`
      : null,
    checks,
  };
}

function pct(x: number): string {
  return `${round(x * 100, 4)}%`;
}

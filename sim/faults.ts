/**
 * Fault injection for the simulated servers, reproducible by seed: whether rule i fires on the
 * n-th request to a service depends only on (seed, i, service, n). Rules come from flags, a YAML
 * scenario file or {@link SimHandle.setFaults}.
 *
 * @example
 * // faults.yaml
 * // seed: 7
 * // rules:
 * //   - {kind: http_5xx, target: tushare, rate: 0.05}
 * //   - {kind: outage, target: qmt, window: {from_ms: 0, to_ms: 30000}, stall_ms: 15000}
 * //   - {kind: truncated_json, target: qmt, api: hist_kline, after: 3, count: 1}
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { unit } from './rng.ts';

export const FAULT_KINDS = [
  'latency',
  'http_5xx',
  'timeout',
  'outage',
  'rate_limit',
  'daily_quota',
  'no_permission',
  'invalid_token',
  'truncated_json',
  'wrong_types',
  'missing_fields',
  'bad_symbol',
  'bad_date',
  'duplicate_rows',
  'missing_values',
  'legacy_error',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];
export type Target = 'tushare' | 'qmt';

export interface FaultRule {
  kind: FaultKind;
  /** Which server; default both (where the kind applies). */
  target?: Target;
  /** Restrict to API names (Tushare `api_name`, QMT endpoint name like `hist_kline`). */
  api?: string | string[];
  /** Probability per matching request. Default 1. */
  rate?: number;
  /** Fire only after this many matching requests were seen. */
  after?: number;
  /** Fire at most this many times. */
  count?: number;
  /** Active only within this window, in ms since the rules were set. */
  window?: { from_ms?: number; to_ms?: number };
  /** latency: added delay; timeout: how long to hang; outage: the QMT stall before its 500. */
  ms?: number;
  /** http_5xx: the status (default 502). */
  status?: number;
  /** Fraction of rows affected by row-level faults (default 0.1, at least one row). */
  row_rate?: number;
}

export interface FaultScenario {
  seed?: number;
  rules: FaultRule[];
}

/** Validates a scenario (from YAML or code); throws naming the rule and field that is wrong. */
export function validateScenario(input: unknown, where = 'scenario'): FaultScenario {
  if (!input || typeof input !== 'object') throw new Error(`${where}: expected a mapping with \`rules\``);
  const doc = input as Record<string, unknown>;
  const rules = doc.rules ?? [];
  if (!Array.isArray(rules)) throw new Error(`${where}: \`rules\` must be a list`);
  if (doc.seed !== undefined && !Number.isInteger(doc.seed))
    throw new Error(`${where}: \`seed\` must be an integer`);
  rules.forEach((r: Record<string, unknown>, i: number) => {
    const at = `${where}: rules[${i}]`;
    if (!FAULT_KINDS.includes(r?.kind as FaultKind))
      throw new Error(`${at}.kind must be one of ${FAULT_KINDS.join(', ')} (got ${JSON.stringify(r?.kind)})`);
    if (r.target !== undefined && r.target !== 'tushare' && r.target !== 'qmt')
      throw new Error(`${at}.target must be tushare or qmt`);
    if (r.rate !== undefined && !(typeof r.rate === 'number' && r.rate >= 0 && r.rate <= 1))
      throw new Error(`${at}.rate must be a number in [0, 1]`);
    for (const k of ['after', 'count', 'ms', 'status'] as const)
      if (r[k] !== undefined && !(typeof r[k] === 'number' && (r[k] as number) >= 0))
        throw new Error(`${at}.${k} must be a non-negative number`);
    const known = new Set([
      'kind',
      'target',
      'api',
      'rate',
      'after',
      'count',
      'window',
      'ms',
      'status',
      'row_rate',
    ]);
    for (const k of Object.keys(r)) if (!known.has(k)) throw new Error(`${at}: unknown field \`${k}\``);
  });
  return { seed: doc.seed as number | undefined, rules: rules as FaultRule[] };
}

/** Reads a YAML scenario file. */
export function loadScenario(file: string): FaultScenario {
  return validateScenario(parse(readFileSync(file, 'utf8')), file);
}

/** Decides, per request, which faults fire. One instance per simulator. */
export class FaultPlan {
  private rules: FaultRule[] = [];
  private seed: number;
  private since = Date.now();
  private seen: number[] = [];
  private fired: number[] = [];
  private requests: Record<Target, number> = { tushare: 0, qmt: 0 };

  constructor(seed: number, scenario?: FaultScenario) {
    this.seed = seed;
    if (scenario) this.set(scenario);
  }

  /** Replaces the rules (counters and the window clock restart). */
  set(scenario: FaultScenario | FaultRule[]): void {
    const s = Array.isArray(scenario) ? { rules: scenario } : scenario;
    const v = validateScenario(s);
    this.rules = v.rules;
    if (v.seed !== undefined) this.seed = v.seed;
    this.since = Date.now();
    this.seen = v.rules.map(() => 0);
    this.fired = v.rules.map(() => 0);
    this.requests = { tushare: 0, qmt: 0 };
  }

  /** The faults firing on this request to `target`/`api`. */
  decide(target: Target, api: string): FaultRule[] {
    const n = this.requests[target]++;
    const elapsed = Date.now() - this.since;
    const out: FaultRule[] = [];
    this.rules.forEach((r, i) => {
      if (r.target && r.target !== target) return;
      if (r.api && !(Array.isArray(r.api) ? r.api : [r.api]).includes(api)) return;
      if (r.window && (elapsed < (r.window.from_ms ?? 0) || elapsed >= (r.window.to_ms ?? Infinity))) return;
      const seen = this.seen[i]++;
      if (r.after !== undefined && seen < r.after) return;
      if (r.count !== undefined && this.fired[i] >= r.count) return;
      if ((r.rate ?? 1) < 1 && unit(this.seed, 'fault', i, target, n) >= (r.rate ?? 1)) return;
      this.fired[i]++;
      out.push(r);
    });
    return out;
  }

  /**
   * Whether a windowed rule of `kind` for `target` is in force now (without consuming a request):
   * lets `/health` report an outage window the way an agent that lost QMT would.
   */
  inWindow(target: Target, kind: FaultKind): boolean {
    const elapsed = Date.now() - this.since;
    return this.rules.some(
      (r) =>
        r.kind === kind &&
        (!r.target || r.target === target) &&
        r.window !== undefined &&
        elapsed >= (r.window.from_ms ?? 0) &&
        elapsed < (r.window.to_ms ?? Infinity),
    );
  }

  /** A deterministic uniform for row-level choices within a request. */
  u(...keys: (string | number)[]): number {
    return unit(this.seed, 'row', ...keys);
  }
}

/**
 * Applies row-level faults to rows (objects) in place of a copy: wrong types, missing fields,
 * bad symbols and dates, duplicated rows, missing values. `symbolKey`/`dateKey` name the fields.
 */
export function corruptRows(
  rows: Record<string, unknown>[],
  faults: FaultRule[],
  plan: FaultPlan,
  keys: { symbol?: string; date?: string },
  salt: string,
): Record<string, unknown>[] {
  let out = rows.map((r) => ({ ...r }));
  for (const f of faults) {
    const pick = (i: number) => plan.u(salt, f.kind, i) < (f.row_rate ?? 0.1) || i === 0;
    const numeric = (r: Record<string, unknown>) => Object.keys(r).filter((k) => typeof r[k] === 'number');
    if (f.kind === 'duplicate_rows') out = out.flatMap((r, i) => (pick(i) ? [r, { ...r }] : [r]));
    for (let i = 0; i < out.length; i++) {
      if (!pick(i)) continue;
      const r = out[i];
      if (f.kind === 'wrong_types') for (const k of numeric(r).slice(0, 2)) r[k] = `${r[k]}x`;
      if (f.kind === 'missing_values') for (const k of numeric(r).slice(1, 3)) r[k] = null;
      if (f.kind === 'missing_fields')
        delete r[
          ['close', 'open', 'vol', 'volume'].find((k) => k in r) ?? numeric(r)[0] ?? Object.keys(r)[0]
        ];
      if (f.kind === 'bad_symbol' && keys.symbol) r[keys.symbol] = 'XX9999.ZZ';
      if (f.kind === 'bad_date' && keys.date) r[keys.date] = '20241345';
    }
  }
  return out;
}

/** Row-level fault kinds (applied to the payload's rows rather than to the whole response). */
export const ROW_FAULTS: ReadonlySet<FaultKind> = new Set([
  'wrong_types',
  'missing_values',
  'missing_fields',
  'bad_symbol',
  'bad_date',
  'duplicate_rows',
]);

export const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

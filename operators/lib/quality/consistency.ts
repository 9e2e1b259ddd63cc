/**
 * Multi-source consistency (DQ-CON-01): per (symbol, trade_date) row carrying both sources' raw
 * values, the relative diff of each configured field against its effective tolerance; per group
 * (trading day) the ratio of consistent rows among overlapping ones and the verdict.
 *
 * Column-wise: a day is one table; per field the two sides and the diff are `Float64Array`s. A side
 * is missing where it is not finite (see {@link numbers}); the diff is `NaN` where a side is missing
 * (a diff of two finite numbers is never NaN, so it is a safe marker; it may be Infinity).
 */
import type { ColumnTable } from 'arquero';
import { numbers } from './numbers.ts';
import { round } from './num.ts';
import { sourceColumn } from './source-values.ts';
import type { QualityPolicySpec } from './types.ts';
import { tierMultiplier, volatilityIndex } from './volatility.ts';

/** One configured field of a day: both sides and their relative diff per row. */
export interface FieldDiffs {
  field: string;
  /** Effective tolerance (base × the tier multiplier unless the field is not dynamic). */
  tolerance: number;
  /** Primary (miniQMT) values; not finite: missing. */
  primary: Float64Array;
  /** Secondary (Tushare) values; not finite: missing. */
  secondary: Float64Array;
  /** |primary - secondary| / |primary| per row; `NaN` when a side is missing. */
  diff: Float64Array;
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
  /** Per configured field, in policy order. */
  fields: FieldDiffs[];
  /**
   * Per row: `null` when the row does not overlap (the first, key field lacks a side), else
   * whether every field with both sides is within its tolerance (a missing Tushare volume is not
   * a disagreement).
   */
  rowConsistent: (boolean | null)[];
  /** Per row: its disagreements joined by `; `, or null. */
  rowReasons: (string | null)[];
}

/**
 * Evaluates one group of rows (one trading day, as a table) against the policy.
 * @example
 * const v = evaluateGroup(day, policy.spec, '2024-12-31');
 * if (v.verdict === 'quarantined') console.log(v.reason);
 */
export function evaluateGroup(
  t: ColumnTable,
  policy: QualityPolicySpec,
  group: string | null,
  indexOverride?: number,
): GroupVerdict {
  const c = policy.consistency;
  const n = t.numRows();
  const index = policy.dynamic.enabled
    ? (indexOverride ?? volatilityIndex(t, policy.dynamic.volatility_index))
    : undefined;
  const { multiplier } = policy.dynamic.enabled
    ? tierMultiplier(index, policy.dynamic.tiers)
    : { multiplier: 1 };
  const fields = c.fields.map((f) =>
    fieldDiffs(t, f.name, f.primary, f.secondary, f.tolerance * (f.dynamic === false ? 1 : multiplier)),
  );

  // Field by field, the rows with a diff beyond tolerance (NaN, a side missing, never exceeds).
  const bad = new Uint8Array(n);
  for (const f of fields) for (let i = 0; i < n; i++) if (exceeds(f.diff[i], f.tolerance)) bad[i] = 1;
  const rowConsistent = new Array<boolean | null>(n);
  const rowReasons = new Array<string | null>(n);
  let overlapping = 0;
  let consistent = 0;
  const key = fields[0]?.diff;
  for (let i = 0; i < n; i++) {
    rowReasons[i] = null;
    if (!key || Number.isNaN(key[i])) {
      rowConsistent[i] = null;
      continue;
    }
    overlapping++;
    rowConsistent[i] = bad[i] === 0;
    if (bad[i] === 0) consistent++;
    else rowReasons[i] = reasons(fields, i);
  }

  const ratio = overlapping === 0 ? null : consistent / overlapping;
  const quarantined = ratio !== null && ratio < c.batch_target;
  const tolerances = Object.fromEntries(
    c.fields.map((f) => [f.name, round(f.tolerance * (f.dynamic === false ? 1 : multiplier), 8)]),
  );
  return {
    group,
    rows: n,
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
    fields,
    rowConsistent,
    rowReasons,
  };
}

function fieldDiffs(
  t: ColumnTable,
  field: string,
  primaryColumn: string,
  secondaryColumn: string,
  tolerance: number,
): FieldDiffs {
  const n = t.numRows();
  const primary = numbers(sourceColumn(t, primaryColumn), n);
  const secondary = numbers(sourceColumn(t, secondaryColumn), n);
  const diff = new Float64Array(n).fill(NaN);
  diffsInto(diff, primary, secondary, n);
  return { field, tolerance, primary, secondary, diff };
}

/**
 * The relative diffs where both sides are finite. Alone in its function with nothing after the
 * loop: V8 compiles a long first run of a loop while it runs (on-stack replacement), and code after
 * the loop that had not run yet then sent the compiled loop back to the interpreter every day.
 */
function diffsInto(diff: Float64Array, primary: Float64Array, secondary: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const p = primary[i];
    const s = secondary[i];
    if (Number.isFinite(p) && Number.isFinite(s)) diff[i] = relativeDiff(p, s);
  }
}

/** Row `i`'s disagreements, in field order (only built for the few inconsistent rows). */
function reasons(fields: readonly FieldDiffs[], i: number): string {
  const out: string[] = [];
  for (const f of fields)
    if (exceeds(f.diff[i], f.tolerance))
      out.push(
        `${f.field} diff ${pct(f.diff[i])} > tolerance ${pct(f.tolerance)} (qmt ${f.primary[i]}, tushare ${f.secondary[i]})`,
      );
  return out.join('; ');
}

/** A side as a record value: not finite (missing) is `null`. */
export function orNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function pct(x: number): string {
  return `${round(x * 100, 4)}%`;
}

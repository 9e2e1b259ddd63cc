/**
 * The market volatility index and the dynamic tolerance tier it selects (domain spec §6).
 *
 * The index is the mean absolute daily range of the market: for every symbol of the day with a
 * high, a low and a reference price (previous close), `(high - low) / reference`; the index is the
 * mean over those symbols. A day with fewer usable symbols than `min_symbols` has no index (and so
 * the base tolerance applies), rather than an index computed from one odd stock.
 */
import type { ColumnTable } from 'arquero';
import { numbers } from './numbers.ts';
import { sourceColumn } from './source-values.ts';
import type { QualityPolicySpec, Tier } from './types.ts';

export type VolatilityDef = QualityPolicySpec['dynamic']['volatility_index'];

/**
 * The index of one day's rows; each of high, low and reference is the first of its candidate
 * columns (resolved through the source aliases) that holds a number on the row.
 * @example volatilityIndex(table({high_qmt: [10.4], low_qmt: [10], pre_close_qmt: [10]}), def) // 0.04
 */
export function volatilityIndex(t: ColumnTable, def: VolatilityDef): number | undefined {
  const resolve = (names: readonly string[]) =>
    names
      .map((c) => sourceColumn(t, c))
      .filter((c): c is ArrayLike<unknown> => c !== undefined)
      .map((c) => numbers(c, t.numRows()));
  const [highs, lows, refs] = [resolve(def.high), resolve(def.low), resolve(def.reference)];
  const rows = t.numRows();
  const high = firsts(highs, rows);
  const low = firsts(lows, rows);
  const ref = firsts(refs, rows);
  const n = usable(high, low, ref, rows);
  return n >= (def.min_symbols ?? 1) && n > 0 ? rangeSum(high, low, ref, rows) / n : undefined;
}

// Two loops, each alone in its function and returning what it counted: V8 compiles a long first
// run of a loop while it runs (on-stack replacement), before the code after the loop ever ran, and
// such code then sent the compiled loop back to the interpreter on every later day.

/** Rows with a high, a low and a positive reference, and high ≥ low. */
function usable(high: Float64Array, low: Float64Array, ref: Float64Array, rows: number): number {
  let n = 0;
  // NaN (no candidate holds a number) fails every comparison, so the test is the negation.
  for (let i = 0; i < rows; i++) if (ref[i] > 0 && high[i] >= low[i]) n++;
  return n;
}

/** Σ |high − low| / reference over the {@link usable} rows, in row order. */
function rangeSum(high: Float64Array, low: Float64Array, ref: Float64Array, rows: number): number {
  let sum = 0;
  for (let i = 0; i < rows; i++)
    if (ref[i] > 0 && high[i] >= low[i]) sum += Math.abs(high[i] - low[i]) / ref[i];
  return sum;
}

/**
 * Per row, the first candidate column holding a finite number (`NaN`: none does). Column by column
 * into one array: a per-row helper returning `number | undefined` boxed every value it returned.
 */
function firsts(cols: readonly Float64Array[], rows: number): Float64Array {
  // One candidate (the usual fused table has only the plain column): finite values as they are.
  if (cols.length === 1 && allFinite(cols[0], rows)) return cols[0];
  const out = new Float64Array(rows).fill(Number.NaN);
  for (let k = cols.length - 1; k >= 0; k--) fillFinite(out, cols[k], rows);
  return out;
}

function allFinite(x: Float64Array, rows: number): boolean {
  for (let i = 0; i < rows; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

function fillFinite(out: Float64Array, x: Float64Array, rows: number): void {
  for (let i = 0; i < rows; i++) if (Number.isFinite(x[i])) out[i] = x[i];
}

/**
 * The multiplier for an index: tiers are tried from the highest threshold down and the first one
 * the index exceeds (strictly) wins, so `> 5 %` is never shadowed by `> 3 %` whatever the YAML order.
 * @example tierMultiplier(0.04, [{above: 0.03, multiplier: 1.5}, {above: 0.05, multiplier: 2}]) // 1.5
 */
export function tierMultiplier(
  index: number | undefined,
  tiers: readonly Tier[],
): { multiplier: number; tier?: Tier } {
  if (index === undefined) return { multiplier: 1 };
  const sorted = [...tiers].sort((a, b) => b.above - a.above);
  const tier = sorted.find((t) => index > t.above);
  return tier ? { multiplier: tier.multiplier, tier } : { multiplier: 1 };
}

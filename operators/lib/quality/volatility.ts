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
  let sum = 0;
  let n = 0;
  for (let i = 0, rows = t.numRows(); i < rows; i++) {
    const high = first(highs, i);
    const low = first(lows, i);
    const ref = first(refs, i);
    if (high === undefined || low === undefined || ref === undefined || ref <= 0 || high < low) continue;
    sum += Math.abs(high - low) / ref;
    n++;
  }
  return n >= (def.min_symbols ?? 1) && n > 0 ? sum / n : undefined;
}

/** The first candidate column holding a finite number on row `i`. */
function first(cols: readonly Float64Array[], i: number): number | undefined {
  for (let k = 0; k < cols.length; k++) {
    const x = cols[k][i];
    if (Number.isFinite(x)) return x;
  }
  return undefined;
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

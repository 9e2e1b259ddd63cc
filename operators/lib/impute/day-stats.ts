/**
 * Per trading day: missing rates before and after imputation, and what was done. "Before" comes
 * from the column scan; "after" is "before" corrected on the imputed rows only (no other row
 * changed), so a day of complete rows is never rescanned.
 *
 * @example
 * const days = dayStats(g, scan, policy.fields, imputedRows, (r) => ({ methods: ['ffill'], unfilled: 0 }));
 * days[0].after.key_missing_max; // 0
 */
import type { Rec } from '../../../engine/api/index.ts';
import type { Days, MissingScan } from './columns.ts';
import { isMissing, ratesOf, type MissingRates } from './missing.ts';
import type { Method, ResolvedField } from './policy.ts';

/** Per trading day: missing rates before and after, and what was done. */
export interface DayStats {
  trade_date: string;
  before: MissingRates;
  after: MissingRates;
  imputed: Record<string, number>;
  unfilled: number;
}

/**
 * `rows[k]` is row `scan.rows[k]` after imputation; `outcome` says which methods filled its
 * values (in fill order) and how many of its cells stayed missing.
 */
export function dayStats(
  g: Days,
  scan: MissingScan,
  fields: readonly ResolvedField[],
  rows: readonly Rec[],
  outcome: (row: Rec) => { methods: readonly Method[]; unfilled: number },
): DayStats[] {
  const nf = fields.length;
  const after = scan.counts.map((c) => Int32Array.from(c));
  const imputed = g.days.map((): Record<string, number> => ({}));
  const unfilled = new Int32Array(g.days.length);
  scan.rows.forEach((i, k) => {
    const d = g.dayOf[i];
    for (let f = 0; f < nf; f++)
      after[d][f] += (isMissing(rows[k], fields[f]) ? 1 : 0) - scan.missing[i * nf + f];
    const o = outcome(rows[k]);
    for (const m of o.methods) imputed[d][m] = (imputed[d][m] ?? 0) + 1;
    unfilled[d] += o.unfilled;
  });
  return g.days.map((date, d) => ({
    trade_date: date,
    before: ratesOf(scan.counts[d], scan.sizes[d], fields),
    after: ratesOf(after[d], scan.sizes[d], fields),
    imputed: imputed[d],
    unfilled: unfilled[d],
  }));
}

/**
 * K-line logic (DQ-ACC-01), column by column over one day's table. Reports which rule failed on
 * which row, so failures can be counted by rule (the dashboard's rule-failure pie).
 */
import type { ColumnTable } from 'arquero';
import { column } from '../../../engine/api/index.ts';
import { numbers } from './numbers.ts';

/** K-line rule ids; bit `k` of {@link klineFailures}'s per-row mask is rule `k`. */
export const KLINE_RULES = ['high_ge_max', 'low_le_min', 'positive_prices'] as const;

/**
 * Per row, a bit mask of the failed K-line rules (0: the logic holds, or a price is missing —
 * missing prices are a completeness problem, not an accuracy one).
 * @example klineFailures(table({open: [10], high: [9], low: [8], close: [9]})) // Uint8Array [1] (high_ge_max)
 */
export function klineFailures(t: ColumnTable): Uint8Array {
  const n = t.numRows();
  const out = new Uint8Array(n);
  if (!['open', 'high', 'low', 'close'].every((f) => column(t, f))) return out;
  const [O, H, L, C] = ['open', 'high', 'low', 'close'].map((f) => numbers(column<unknown>(t, f), n));
  for (let i = 0; i < n; i++) {
    const open = O[i];
    const high = H[i];
    const low = L[i];
    const close = C[i];
    if (!(Number.isFinite(open) && Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close)))
      continue;
    let bits = 0;
    if (high < Math.max(open, close, low)) bits |= 1;
    if (low > Math.min(open, close)) bits |= 2;
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) bits |= 4;
    out[i] = bits;
  }
  return out;
}

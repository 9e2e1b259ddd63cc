/**
 * Newest-per-key merge for `delta_upsert`: per key the record with the greatest `order_by` wins;
 * on a tie the later one (the batch over the table, a later offset over an earlier one).
 */
import type { Rec } from '../../../engine/api/index.ts';

/** Orders `order_by` values; Dates (as read back from tables) compare as ISO text. */
export function compareOrder(x: unknown, y: unknown): number {
  const a = x instanceof Date ? x.toISOString() : x;
  const b = y instanceof Date ? y.toISOString() : y;
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

export function newestPerKey(records: readonly Rec[], keys: readonly string[], orderBy: string): Rec[] {
  const best = new Map<string, Rec>();
  for (const rec of records) {
    let k = '';
    for (const f of keys) {
      const v = rec[f];
      k +=
        (v instanceof Date ? v.toISOString() : v === null || v === undefined ? '\u0002' : String(v)) +
        '\u0001';
    }
    const cur = best.get(k);
    if (!cur || compareOrder(rec[orderBy], cur[orderBy]) >= 0) best.set(k, rec);
  }
  return [...best.values()];
}

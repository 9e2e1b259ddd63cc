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
    const k = JSON.stringify(keys.map((f) => rec[f] ?? null));
    const cur = best.get(k);
    if (!cur || compareOrder(rec[orderBy], cur[orderBy]) >= 0) best.set(k, rec);
  }
  return [...best.values()];
}

/**
 * Keeps a bar's K-line logic (DQ-ACC-01: high ≥ max(open, close, low), low ≤ min(open, close)) after
 * some of its fields were imputed independently. Only imputed fields move: an observed value is the
 * truth and the imputed ones must fit around it.
 *
 * @example
 * const row = { open: 10, high: 9.8, low: 9.5, close: 9.9 }; // high imputed below open
 * clampKline(row, new Set(['high']), { open: 'open', high: 'high', low: 'low', close: 'close' });
 * row.high; // 10
 */
import type { Rec } from '../../../engine/api/index.ts';

export interface KlineFields {
  open: string;
  high: string;
  low: string;
  close: string;
}

/** Adjusts imputed OHLC fields in place; returns the fields it changed. */
export function clampKline(row: Rec, imputed: ReadonlySet<string>, k: KlineFields): string[] {
  const num = (f: string) =>
    typeof row[f] === 'number' && Number.isFinite(row[f]) ? (row[f] as number) : undefined;
  const changed: string[] = [];
  const set = (f: string, v: number) => {
    if (row[f] !== v) {
      row[f] = v;
      changed.push(f);
    }
  };
  // Observed high/low bound the imputed open/close.
  for (const f of [k.open, k.close]) {
    const v = num(f);
    if (v === undefined || !imputed.has(f)) continue;
    const hi = imputed.has(k.high) ? undefined : num(k.high);
    const lo = imputed.has(k.low) ? undefined : num(k.low);
    if (hi !== undefined && v > hi) set(f, hi);
    else if (lo !== undefined && v < lo) set(f, lo);
  }
  // Imputed high/low widen to cover everything else.
  const others = (fs: string[]) => fs.map(num).filter((v): v is number => v !== undefined);
  const high = num(k.high);
  if (high !== undefined && imputed.has(k.high)) {
    const top = Math.max(high, ...others([k.open, k.close, k.low]));
    if (top !== high) set(k.high, top);
  }
  const low = num(k.low);
  if (low !== undefined && imputed.has(k.low)) {
    const bottom = Math.min(low, ...others([k.open, k.close, k.high]));
    if (bottom !== low) set(k.low, bottom);
  }
  return changed;
}

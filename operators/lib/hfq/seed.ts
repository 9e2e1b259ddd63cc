/**
 * Seeds adjust's per-symbol memory from previous days given as columns (normally Gold read with
 * `LakeTable.readTable`): per symbol, its rows in date order, remembering factor and raw close
 * (close / factor rounded to `priceDecimals`). Rows are grouped per symbol with a counting sort and
 * only each symbol's newest `keep` valid days are rounded and remembered, so a 30-day seed of the
 * whole market costs a few passes over arrays, not a record and a sort comparison per row.
 *
 * @example
 * const t = await lake.table('gold/a_share_daily').readTable({ columns: ['symbol', 'trade_date', 'close', 'adj_factor'], partitions });
 * seedFactorState(state, t, { closeCol: 'close', factorCol: 'adj_factor', priceDecimals: 2 });
 */
import type { ColumnTable } from 'arquero';
import { column } from '../../../engine/api/index.ts';
import type { FactorState } from './factor.ts';
import { roundHalfEven } from './round.ts';

export interface SeedOptions {
  closeCol: string;
  factorCol: string;
  /** Decimals of the raw close recovered from the adjusted one. */
  priceDecimals: number;
}

/**
 * Remembers every row of `t` with a positive factor and close, in (trade_date, row) order per
 * symbol: the state the former row loop (stable sort by date, then `remember` row by row) reached.
 * Returns the number of rows read.
 */
export function seedFactorState(state: FactorState, t: ColumnTable, o: SeedOptions): number {
  const n = t.numRows();
  const sym = column<unknown>(t, 'symbol');
  const day = column<unknown>(t, 'trade_date');
  const fac = column<unknown>(t, o.factorCol);
  const cls = column<unknown>(t, o.closeCol);
  if (n === 0 || !sym || !day || !fac || !cls) return n;
  // Valid rows only, grouped per symbol in row order (counting sort: stable, no comparisons).
  const ids = new Int32Array(n).fill(-1);
  const index = new Map<string, number>();
  const names: string[] = [];
  const counts: number[] = [];
  let prev: unknown;
  let prevId = -1;
  for (let i = 0; i < n; i++) {
    const f = typeof fac[i] === 'number' ? (fac[i] as number) : Number(fac[i]);
    const c = typeof cls[i] === 'number' ? (cls[i] as number) : Number(cls[i]);
    if (!(f > 0) || !(c > 0)) continue;
    const s = sym[i];
    if (s !== prev || prevId < 0) {
      const key = String(s);
      // Every day of a lake read lists the symbols in the same order: try the one after the last first.
      let id = names[prevId + 1] === key ? prevId + 1 : index.get(key);
      if (id === undefined) {
        index.set(key, (id = names.push(key) - 1));
        counts.push(0);
      }
      [prev, prevId] = [s, id];
    }
    ids[i] = prevId;
    counts[prevId]++;
  }
  const starts = new Int32Array(names.length + 1);
  for (let k = 0; k < names.length; k++) starts[k + 1] = starts[k] + counts[k];
  const order = new Int32Array(starts[names.length]);
  const next = starts.slice(0, names.length);
  const dates = new Array<string>(n);
  for (let i = 0; i < n; i++)
    if (ids[i] >= 0) {
      order[next[ids[i]]++] = i;
      dates[i] = typeof day[i] === 'string' ? (day[i] as string) : String(day[i]);
    }
  for (let k = 0; k < names.length; k++) {
    const rows = order.subarray(starts[k], starts[k + 1]);
    let sorted = true;
    for (let j = 1; j < rows.length && sorted; j++) sorted = dates[rows[j - 1]] <= dates[rows[j]];
    // ISO dates: code-unit order is the localeCompare order the row loop sorted by.
    if (!sorted)
      rows.set(Array.from(rows).sort((a, b) => (dates[a] < dates[b] ? -1 : dates[a] > dates[b] ? 1 : 0)));
    const days = state.days(names[k]);
    // Days older than the newest `keep` distinct ones would be forgotten again: skip them.
    let from = rows.length;
    for (let distinct = 0; from > 0; from--) {
      if (from === rows.length || dates[rows[from - 1]] !== dates[rows[from]]) {
        if (distinct === state.keep) break;
        distinct++;
      }
    }
    for (let j = from; j < rows.length; j++) {
      const i = rows[j];
      const f = Number(fac[i]);
      days.remember(dates[i], f, roundHalfEven(Number(cls[i]) / f, o.priceDecimals));
    }
  }
  return n;
}

/**
 * Splits what reaches `impute` column-wise: reference rows (`stock_basic`: symbol → industry,
 * consumed, not passed on), rows without a usable key (to the error port) and the fused rows to
 * impute. A batch of fused rows with valid keys, the usual case, comes back as the same table.
 *
 * @example
 * const { data, keys, bad } = splitRows(columnsOf(batch), policy.industry, (s, i) => imputer.setIndustry(s, i));
 */
import type { ColumnTable } from 'arquero';
import { column, takeRows, type Rec } from '../../../engine/api/index.ts';
import { rowsAt, tableKeys, type RowKeys } from '../../lib/impute/columns.ts';

export interface Split {
  /** The rows to impute (the input table itself when nothing was set aside). */
  data: ColumnTable;
  /** Keys of `data`'s rows (no bad ones). */
  keys: RowKeys;
  /** Rows without a string `symbol` or a valid `trade_date`, as records. */
  bad: Rec[];
}

export function splitRows(
  t: ColumnTable,
  industry: { dataset: string; field: string },
  onIndustry: (symbol: string, industry: unknown) => void,
): Split {
  const n = t.numRows();
  const dataset = column<unknown>(t, 'dataset');
  let keep: number[] | undefined;
  if (dataset) {
    const sym = column<unknown>(t, 'symbol');
    const code = column<unknown>(t, 'ts_code');
    const ind = column<unknown>(t, industry.field);
    keep = [];
    for (let i = 0; i < n; i++) {
      if (dataset[i] !== industry.dataset) {
        keep.push(i);
        continue;
      }
      const symbol = sym?.[i] ?? code?.[i];
      if (typeof symbol === 'string') onIndustry(symbol, ind?.[i]);
    }
    if (keep.length === n) keep = undefined;
  }
  let data = keep ? takeRows(t, keep) : t;
  let keys = tableKeys(data);
  const bad = rowsAt(data, keys.bad);
  if (bad.length) {
    const ok: number[] = [];
    const isBad = new Set(keys.bad);
    for (let i = 0; i < data.numRows(); i++) if (!isBad.has(i)) ok.push(i);
    const all = keys;
    data = takeRows(data, ok);
    keys = { symbols: ok.map((i) => all.symbols[i]), dates: ok.map((i) => all.dates[i]), bad: [] };
  }
  return { data, keys, bad };
}

/**
 * One trading day's Bronze rows indexed for column-wise fusion, without copying a row: the day's
 * rows stay in the input tables they arrived in ({@link DayPart}: a table and the row numbers filed
 * for the day). The index numbers the day's keys (`symbol` → key 0..n-1, first seen first) and, per
 * stream (source and dataset), says which part and row hold that stream's row of each key. Fusion
 * then reads a field of a source as one pass over those two arrays.
 *
 * @example
 * const day = indexDay([{ table, rows: undefined }], ['symbol', 'trade_date']);
 * day.size;                                     // number of keys
 * day.valueAt(0, 'qmt', 'hist_kline', 'close'); // QMT's close of the first key (undefined if none)
 */
import type { ColumnTable } from 'arquero';
import { column } from '../../../engine/api/index.ts';

/** Rows of one input table filed for a day: `rows` (row numbers) or every row when undefined. */
export interface DayPart {
  table: ColumnTable;
  rows?: Int32Array;
}

/** Where one stream's row of every key is: `part[k]`/`row[k]`, `-1` when the stream has none. */
export interface StreamRows {
  source: string;
  dataset: string;
  part: Int32Array;
  row: Int32Array;
}

export interface DayIndex {
  parts: readonly DayPart[];
  /** Number of keys. */
  size: number;
  /** Part and row of each key's first row (its key values are read there). */
  firstPart: Int32Array;
  firstRow: Int32Array;
  /** By `source` then `dataset`. */
  streams: Map<string, Map<string, StreamRows>>;
  /** Keys in output order: by `symbol` as `String#localeCompare` orders them, else first seen. */
  order: Int32Array;
  /** A stream's raw value of `name` for key `k` (undefined when absent). */
  valueAt(k: number, source: string, dataset: string, name: string): unknown;
}

type Col = ArrayLike<unknown> | undefined;

/** Newest ingest wins when a source repeats a row (Bronze dedups already; this is a safety net). */
function ingest(fetched: Col, ingested: Col, r: number): string {
  return String(fetched?.[r] ?? ingested?.[r] ?? '');
}

/**
 * Indexes a day's parts. Keys are the key columns but the last (the trading day, the same for the
 * whole day); every filed row has its source, dataset and key columns (the day buffer checked).
 */
export function indexDay(parts: readonly DayPart[], keyColumns: readonly string[]): DayIndex {
  const idCols = keyColumns.slice(0, -1);
  const keys = new Map<string, number>();
  let size = 0;
  // Per part: the key of each filed row (pass 1), so stream arrays are allocated once at full size.
  const keyOf: Int32Array[] = [];
  const firstPartL: number[] = [];
  const firstRowL: number[] = [];
  for (let p = 0; p < parts.length; p++) {
    const { table, rows } = parts[p];
    const cols = idCols.map((c) => column(table, c)!);
    const n = rows ? rows.length : table.numRows();
    const ks = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const r = rows ? rows[j] : j;
      // The same key strings as the row version: String of each column, \u0001-separated.
      let key = cols.length ? String(cols[0][r]) : '';
      for (let c = 1; c < cols.length; c++) key += `\u0001${String(cols[c][r])}`;
      let k = keys.get(key);
      if (k === undefined) {
        keys.set(key, (k = size++));
        firstPartL.push(p);
        firstRowL.push(r);
      }
      ks[j] = k;
    }
    keyOf.push(ks);
  }

  const streams = new Map<string, Map<string, StreamRows>>();
  const streamOf = (source: string, dataset: string): StreamRows => {
    let byDataset = streams.get(source);
    if (!byDataset) streams.set(source, (byDataset = new Map()));
    let s = byDataset.get(dataset);
    if (!s) {
      s = { source, dataset, part: new Int32Array(size).fill(-1), row: new Int32Array(size) };
      byDataset.set(dataset, s);
    }
    return s;
  };
  const fetched = parts.map((p) => column(p.table, 'fetched_at'));
  const ingested = parts.map((p) => column(p.table, 'ingested_at'));
  for (let p = 0; p < parts.length; p++) {
    const { table, rows } = parts[p];
    const src = column<string>(table, 'source')!;
    const ds = column(table, 'dataset')!;
    const ks = keyOf[p];
    let last: StreamRows | undefined;
    for (let j = 0; j < ks.length; j++) {
      const r = rows ? rows[j] : j;
      const source = src[r];
      const dataset = String(ds[r]);
      if (!last || last.source !== source || last.dataset !== dataset) last = streamOf(source, dataset);
      const k = ks[j];
      const q = last.part[k];
      // A repeated row replaces the held one unless the held one is newer (ties: the later wins).
      if (q >= 0 && ingest(fetched[p], ingested[p], r) < ingest(fetched[q], ingested[q], last.row[k])) continue;
      last.part[k] = p;
      last.row[k] = r;
    }
  }

  const firstPart = Int32Array.from(firstPartL);
  const firstRow = Int32Array.from(firstRowL);
  const symbol = keyColumns.includes('symbol') ? 'symbol' : undefined;
  const symbols: string[] = [];
  if (symbol) {
    const cols = parts.map((p) => column(p.table, symbol)!);
    for (let k = 0; k < size; k++) symbols.push(String(cols[firstPart[k]][firstRow[k]]));
  }
  return {
    parts,
    size,
    firstPart,
    firstRow,
    streams,
    order: symbol ? localeOrder(symbols) : Int32Array.from({ length: size }, (_, k) => k),
    valueAt(k, source, dataset, name) {
      const s = streams.get(source)?.get(dataset);
      const p = s ? s.part[k] : -1;
      if (p < 0) return undefined;
      return column(parts[p].table, name)?.[s!.row[k]];
    },
  };
}

const collator = new Intl.Collator();

/**
 * Indices of `names` in the order a stable sort by `localeCompare` gives (the row version sorted
 * records so). Sorting by code units is much cheaper; when the result is strictly increasing for
 * the collator too, it is that order (a strict order is unique). Otherwise sort by the collator.
 */
export function localeOrder(names: readonly string[]): Int32Array {
  const idx = Array.from({ length: names.length }, (_, i) => i);
  idx.sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : a - b));
  let strict = true;
  for (let i = 1; i < idx.length && strict; i++) strict = collator.compare(names[idx[i - 1]], names[idx[i]]) < 0;
  if (!strict) {
    idx.sort((a, b) => a - b);
    idx.sort((a, b) => collator.compare(names[a], names[b]));
  }
  return Int32Array.from(idx);
}

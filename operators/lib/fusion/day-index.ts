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
import { KeyDictionary } from './key-dictionary.ts';

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
  /**
   * Number of keys. Keys are numbered in output order: by `symbol` as a stable sort by
   * `String#localeCompare` orders them (first seen first among equals), or first seen without one.
   */
  size: number;
  /** Part and row of each key's first row (its key values are read there). */
  firstPart: Int32Array;
  firstRow: Int32Array;
  /** By `source` then `dataset`. */
  streams: Map<string, Map<string, StreamRows>>;
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
 * `keys` carries the keys of earlier days (see {@link KeyDictionary}); a fresh one works too.
 */
export function indexDay(
  parts: readonly DayPart[],
  keyColumns: readonly string[],
  keys = new KeyDictionary(),
): DayIndex {
  keys.trim();
  const numbering = new KeyNumbering(keys, keyColumns, parts);
  const keyOf = parts.map((part, p) => numbering.number(part, p));
  const { size, firstPart, firstRow } = numbering.inOutputOrder(keyOf);

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
  parts.forEach((part, p) => fileRows(part, p, keyOf[p], streamOf, fetched, ingested));

  return {
    parts,
    size,
    firstPart,
    firstRow,
    streams,
    valueAt(k, source, dataset, name) {
      const s = streams.get(source)?.get(dataset);
      const p = s ? s.part[k] : -1;
      if (p < 0) return undefined;
      return column(parts[p].table, name)?.[s!.row[k]];
    },
  };
}

/** Records, per stream, where each key's row is (one part; hot loops live in small functions). */
function fileRows(
  { table, rows }: DayPart,
  p: number,
  ks: Int32Array,
  streamOf: (source: string, dataset: string) => StreamRows,
  fetched: readonly Col[],
  ingested: readonly Col[],
): void {
  const src = column<string>(table, 'source')!;
  const ds = column(table, 'dataset')!;
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

/**
 * Numbers a day's keys, part by part: first seen first (ties in the output order keep that), then
 * renumbered in output order so fusion writes its columns front to back.
 */
class KeyNumbering {
  private readonly idCols: readonly string[];
  private readonly symbolAt: number;
  /** Key number of a dictionary id today (-1: not seen yet). */
  private readonly keyOfId: Int32Array;
  private readonly idOfKey: Int32Array;
  private readonly firstPart: Int32Array;
  private readonly firstRow: Int32Array;
  private size = 0;
  // Bronze tables list the symbols in (nearly) the same order, day after day: the id after the
  // previous row's id in the previous part (yesterday's last one for the first) is a good guess,
  // checked by one string comparison instead of a Map lookup (a missing or extra row costs one
  // lookup, then the guesses line up again).
  private prev: Int32Array | undefined;
  /** Id → its position in `prev` + 1 (0: not there). */
  private readonly nextInPrev: Int32Array;

  constructor(
    private readonly keys: KeyDictionary,
    keyColumns: readonly string[],
    parts: readonly DayPart[],
  ) {
    this.idCols = keyColumns.slice(0, -1);
    this.symbolAt = this.idCols.indexOf('symbol');
    const total = parts.reduce((n, p) => n + (p.rows ? p.rows.length : p.table.numRows()), 0);
    const capacity = keys.size + total; // ids added today stay below this
    this.keyOfId = new Int32Array(capacity).fill(-1);
    this.nextInPrev = new Int32Array(capacity);
    this.idOfKey = new Int32Array(total);
    this.firstPart = new Int32Array(total);
    this.firstRow = new Int32Array(total);
    // The previous day's last table is the first guess of today's first one.
    if (keys.lastSequence) this.follow(keys.lastSequence);
  }

  /** The key number of each filed row of part `p`. */
  number({ table, rows }: DayPart, p: number): Int32Array {
    const cols = this.idCols.map((c) => column(table, c)!);
    const n = rows ? rows.length : table.numRows();
    const ks = new Int32Array(n);
    const ids = new Int32Array(n);
    this.numberRows(cols, rows, p, ks, ids);
    this.follow(ids);
    return ks;
  }

  /**
   * The loop of {@link number}, alone in its method with nothing after it: V8 compiles a long first
   * run of a loop while it runs (on-stack replacement), before the code after the loop ever ran,
   * and that code then sent the compiled loop back to the interpreter on every later call.
   */
  private numberRows(
    cols: readonly ArrayLike<unknown>[],
    rows: Int32Array | undefined,
    p: number,
    ks: Int32Array,
    ids: Int32Array,
  ): void {
    const { keys, keyOfId, nextInPrev, prev, symbolAt } = this;
    const n = ks.length;
    let lastId = -1;
    for (let j = 0; j < n; j++) {
      const r = rows ? rows[j] : j;
      // The same key strings as the row version: String of each column, \u0001-separated.
      let key = cols.length ? String(cols[0][r]) : '';
      for (let c = 1; c < cols.length; c++) key += `\u0001${String(cols[c][r])}`;
      let id = -1;
      if (prev) {
        const g = lastId < 0 ? 0 : nextInPrev[lastId];
        if (g < prev.length && keys.keyAt(prev[g]) === key) id = prev[g];
      }
      if (id < 0)
        id = keys.id(key, cols.length === 1 || symbolAt < 0 ? key : () => String(cols[symbolAt][r]));
      ids[j] = lastId = id;
      let k = keyOfId[id];
      if (k < 0) {
        keyOfId[id] = k = this.size++;
        this.idOfKey[k] = id;
        this.firstPart[k] = p;
        this.firstRow[k] = r;
      }
      ks[j] = k;
    }
  }

  private follow(ids: Int32Array): void {
    const { nextInPrev, prev } = this;
    if (prev) for (let j = 0; j < prev.length; j++) nextInPrev[prev[j]] = 0;
    for (let j = 0; j < ids.length; j++) nextInPrev[ids[j]] = j + 1;
    this.prev = this.keys.lastSequence = ids;
  }

  /** Renumbers the keys (in place in `keyOf`) in output order: by symbol, else first seen. */
  inOutputOrder(keyOf: readonly Int32Array[]) {
    const size = this.size;
    const order = this.symbolAt >= 0 ? this.keys.order(this.idOfKey.subarray(0, size)) : undefined;
    const firstPart = new Int32Array(size);
    const firstRow = new Int32Array(size);
    const posOf = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const k = order ? order[i] : i;
      posOf[k] = i;
      firstPart[i] = this.firstPart[k];
      firstRow[i] = this.firstRow[k];
    }
    for (const ks of keyOf) for (let j = 0; j < ks.length; j++) ks[j] = posOf[ks[j]];
    return { size, firstPart, firstRow };
  }
}

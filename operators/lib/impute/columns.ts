/**
 * Column-wise building blocks of the imputer: row keys, the missing-cell scan, observed values for
 * the history, and materialising / writing back only the rows that have something missing. A day
 * of complete rows thus costs a few tight loops over its columns: no record is built or copied.
 *
 * @example
 * const keys = tableKeys(t);                        // symbols, ISO dates, rows without a key
 * const scan = scanMissing(t, policy.fields, groupDays(keys.dates));
 * const recs = rowsAt(t, scan.rows);                // only the rows to impute, as records
 * const out = writeRows(t, scan.rows, recs, always); // new arrays for the columns that changed
 */
import type { ColumnTable } from 'arquero';
import { column, type Rec } from '../../../engine/api/index.ts';
import { isMissingValue, numeric, sourceField } from './missing.ts';
import type { ResolvedField } from './policy.ts';

/** Per row: `symbol` and the ISO trade date (`''` on the rows listed in `bad`). */
export interface RowKeys {
  symbols: string[];
  dates: string[];
  /** Rows without a string `symbol` or a `trade_date` as `YYYY-MM-DD`, `YYYYMMDD` or a Date. */
  bad: number[];
}

/** The keys of every row (see {@link rowKey} for the accepted forms). */
export function tableKeys(t: ColumnTable): RowKeys {
  const n = t.numRows();
  const sym = column<unknown>(t, 'symbol');
  const day = column<unknown>(t, 'trade_date');
  const symbols = new Array<string>(n);
  const dates = new Array<string>(n);
  const bad: number[] = [];
  // A batch is one trading day or a few: remember the last raw date instead of parsing each row's.
  let lastRaw: unknown;
  let lastIso: string | undefined;
  for (let i = 0; i < n; i++) {
    const s = sym?.[i];
    const d = day?.[i];
    let iso: string | undefined;
    if (typeof d === 'string' && d === lastRaw) iso = lastIso;
    else {
      iso = isoDate(d);
      if (typeof d === 'string') [lastRaw, lastIso] = [d, iso];
    }
    if (typeof s !== 'string' || s === '' || iso === undefined) {
      bad.push(i);
      symbols[i] = dates[i] = '';
    } else {
      symbols[i] = s;
      dates[i] = iso;
    }
  }
  return { symbols, dates, bad };
}

/** `YYYY-MM-DD` from `YYYY-MM-DD`, `YYYYMMDD` or a Date; undefined otherwise. */
export function isoDate(d: unknown): string | undefined {
  const s = typeof d === 'string' ? d : d instanceof Date ? d.toISOString().slice(0, 10) : '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  if (/^\d{8}$/.test(s)) return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}`;
  return undefined;
}

/** `symbol` and a `trade_date` as `YYYY-MM-DD` (also accepts `YYYYMMDD`), or undefined. */
export function rowKey(r: Rec): { symbol: string; date: string } | undefined {
  const symbol = r.symbol;
  if (typeof symbol !== 'string' || symbol === '') return undefined;
  const date = isoDate(r.trade_date);
  return date === undefined ? undefined : { symbol, date };
}

/** Rows grouped by trading day: `dayOf[i]` indexes `days`, which are in first-seen order. */
export interface Days {
  days: string[];
  dayOf: Int32Array;
}

export function groupDays(dates: readonly string[]): Days {
  const days: string[] = [];
  const index = new Map<string, number>();
  const dayOf = new Int32Array(dates.length);
  let last = '';
  let lastIdx = -1;
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (d !== last || lastIdx < 0) {
      let k = index.get(d);
      if (k === undefined) index.set(d, (k = days.push(d) - 1));
      [last, lastIdx] = [d, k];
    }
    dayOf[i] = lastIdx;
  }
  return { days, dayOf };
}

/** Where cells are missing. */
export interface MissingScan {
  /** `missing[i * fields + f]` is 1 when row i misses field f. */
  missing: Uint8Array;
  /** Rows with at least one missing cell, ascending. */
  rows: number[];
  /** Missing cells per day and field: `counts[d][f]`. */
  counts: Int32Array[];
  /** Rows per day. */
  sizes: Int32Array;
}

/** Finds the missing cells of every policy field (as {@link isMissingValue} defines them). */
export function scanMissing(t: ColumnTable, fields: readonly ResolvedField[], g: Days): MissingScan {
  const n = t.numRows();
  const nf = fields.length;
  const missing = new Uint8Array(n * nf);
  const counts = g.days.map(() => new Int32Array(nf));
  const sizes = new Int32Array(g.days.length);
  for (let i = 0; i < n; i++) sizes[g.dayOf[i]]++;
  let any = false;
  for (let f = 0; f < nf; f++) {
    const field = fields[f];
    const v = column<unknown>(t, field.name);
    const src = column<unknown>(t, sourceField(field.name));
    for (let i = 0; i < n; i++) {
      const x = v ? v[i] : undefined;
      // A finite number is never missing: the common case is decided without a call.
      if (typeof x === 'number' && x - x === 0) continue;
      if (!isMissingValue(x, src ? src[i] : undefined, field)) continue;
      missing[i * nf + f] = 1;
      counts[g.dayOf[i]][f]++;
      any = true;
    }
  }
  const rows: number[] = [];
  if (any)
    for (let i = 0; i < n; i++)
      for (let f = 0; f < nf; f++)
        if (missing[i * nf + f]) {
          rows.push(i);
          break;
        }
  return { missing, rows, counts, sizes };
}

/**
 * The observed value of each field on each row, as the history keeps it: NaN where the value is
 * missing or its `<field>_source` says it was imputed (models never learn from their own guesses).
 * Row-major (`[i * fields + f]`), written into `into` when it is large enough (a buffer reused from
 * batch to batch: the values only pass through on their way into the history).
 */
export function observedValues(
  t: ColumnTable,
  fields: readonly ResolvedField[],
  into?: Float64Array,
): Float64Array {
  const n = t.numRows();
  const nf = fields.length;
  const out = into && into.length >= n * nf ? into : new Float64Array(n * nf);
  fields.forEach((field, f) => {
    const v = column<unknown>(t, field.name);
    const src = column<unknown>(t, sourceField(field.name));
    for (let i = 0; i < n; i++) {
      const x = v ? v[i] : undefined;
      out[i * nf + f] = typeof x === 'number' ? (x - x === 0 ? x : NaN) : numeric(x);
    }
    if (src)
      for (let i = 0; i < n; i++) {
        const s = src[i];
        if (typeof s === 'string' && s.startsWith('Imputed')) out[i * nf + f] = NaN;
      }
  });
  return out;
}

/** The rows at `indices` as records (keys in column order; what `table.objects()` would give). */
export function rowsAt(t: ColumnTable, indices: readonly number[]): Rec[] {
  const names = t.columnNames();
  const cols = names.map((name) => column<unknown>(t, name)!);
  return indices.map((i) => {
    const r: Rec = {};
    for (let c = 0; c < names.length; c++) r[names[c]] = cols[c][i];
    return r;
  });
}

/**
 * `t` with the records `recs` (rows `indices`, built by {@link rowsAt} and changed since) written
 * back: a column is replaced by a new array only when some of those rows changed it, and new keys
 * become new columns (`undefined` on the other rows). `always` columns are set on every row (the
 * constant for the rows not in `indices`). Input columns are never mutated: tables are shared.
 */
export function writeRows(
  t: ColumnTable,
  indices: readonly number[],
  recs: readonly Rec[],
  always: Record<string, unknown> = {},
): ColumnTable {
  const n = t.numRows();
  const names = new Set(t.columnNames());
  const added: string[] = [];
  for (const r of recs)
    for (const k in r)
      if (!names.has(k)) {
        names.add(k);
        added.push(k);
      }
  const out: Record<string, ArrayLike<unknown>> = {};
  for (const name of [...t.columnNames(), ...added]) {
    const col = column<unknown>(t, name);
    const fill = Object.hasOwn(always, name);
    let changed = fill || !col;
    for (let k = 0; k < indices.length && !changed; k++)
      changed = !Object.is(recs[k][name], col![indices[k]]);
    if (!changed) continue;
    out[name] = replaced(col, n, fill ? always[name] : undefined, fill, indices, recs, name);
  }
  for (const [name, value] of Object.entries(always))
    if (!(name in out)) out[name] = replaced(undefined, n, value, true, indices, recs, name);
  // Arquero's typings want plain arrays; typed arrays are columns too.
  return Object.keys(out).length ? t.assign(out as Record<string, unknown[]>) : t;
}

/** A copy of `col` (or a column of `value` when `fill`) with the records' values at `indices`. */
function replaced(
  col: ArrayLike<unknown> | undefined,
  n: number,
  value: unknown,
  fill: boolean,
  indices: readonly number[],
  recs: readonly Rec[],
  name: string,
): ArrayLike<unknown> {
  // A typed column stays typed (a copy) when every new value is a number.
  if (!fill && col && ArrayBuffer.isView(col) && recs.every((r) => typeof r[name] === 'number')) {
    const copy = new (col.constructor as Float64ArrayConstructor)(col as Float64Array);
    indices.forEach((i, k) => (copy[i] = recs[k][name] as number));
    return copy;
  }
  const copy: unknown[] = fill || !col ? new Array<unknown>(n).fill(value) : Array.from(col);
  indices.forEach((i, k) => (copy[i] = recs[k][name]));
  return copy;
}

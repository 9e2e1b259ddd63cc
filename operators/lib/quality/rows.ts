/**
 * Splitting a column batch into the units the quality operators judge: passthrough rows (forwarded
 * untouched) and groups of rows by a key column (one trading day each), without building records.
 */
import type { ColumnTable } from 'arquero';
import type { Batch, Rec } from '../../../engine/api/index.ts';
import { column, takeRows } from '../../../engine/api/index.ts';

/** Rows whose `field` is one of `values` (as strings) skip the check and go out untouched. */
export interface Passthrough {
  field: string;
  values: string[];
}

/** One group: its key and its rows (`all`: every row of the table, in order — the common case). */
export interface RowGroup {
  key: string | null;
  rows: number[] | 'all';
}

export interface RowSplit {
  /** Indices of passthrough rows, in order. */
  passthrough: number[];
  /** Groups in the order their first row appears. */
  groups: RowGroup[];
}

/**
 * Groups the rows of `t` by `String(groupBy)` (`null` for a missing value, or when `groupBy` is
 * null), after setting the passthrough rows apart. A batch that is one trading day (what fuse
 * emits) comes back as a single group over `all` rows, so the operators work on the input table
 * itself rather than on a copy.
 * @example
 * const { groups } = splitRows(t, 'trade_date'); // [{ key: '2024-12-31', rows: 'all' }]
 */
export function splitRows(t: ColumnTable, groupBy: string | null, passthrough?: Passthrough): RowSplit {
  const n = t.numRows();
  const pass = passthrough ? passthroughRows(t, passthrough) : [];
  const keys = groupBy ? column<unknown>(t, groupBy) : undefined;
  if (pass.length === 0) {
    const single = sameKey(keys, n);
    if (single !== undefined) return { passthrough: pass, groups: n ? [{ key: single, rows: 'all' }] : [] };
  }
  const isPass = new Uint8Array(n);
  for (const i of pass) isPass[i] = 1;
  const byKey = new Map<string | null, number[]>();
  for (let i = 0; i < n; i++) {
    if (isPass[i]) continue;
    const v = keys ? keys[i] : null;
    const k = v == null ? null : String(v);
    const rows = byKey.get(k);
    if (rows) rows.push(i);
    else byKey.set(k, [i]);
  }
  return { passthrough: pass, groups: [...byKey].map(([key, rows]) => ({ key, rows })) };
}

/** The key every row shares, or `undefined` when the rows have several keys. */
function sameKey(keys: ArrayLike<unknown> | undefined, n: number): string | null | undefined {
  if (!keys || n === 0) return null;
  const first = keys[0];
  for (let i = 1; i < n; i++) if (keys[i] !== first) return undefined; // the rare case: split by String()
  return first == null ? null : String(first);
}

function passthroughRows(t: ColumnTable, p: Passthrough): number[] {
  const col = column<unknown>(t, p.field);
  const values = new Set(p.values);
  const out: number[] = [];
  for (let i = 0, n = t.numRows(); i < n; i++) if (values.has(String(col ? col[i] : undefined))) out.push(i);
  return out;
}

/** The group's rows as a table (the table itself for `all`). */
export function groupTable(t: ColumnTable, rows: number[] | 'all'): ColumnTable {
  return rows === 'all' ? t : takeRows(t, rows);
}

/** The batch indices of a group's rows. */
export function indicesOf(rows: number[] | 'all', n: number): number[] {
  return rows === 'all' ? Array.from({ length: n }, (_, i) => i) : rows;
}

/**
 * Rows `indices` of the batch as records, for the rare row-wise side outputs (passthrough rows,
 * quarantine replays): the batch's own records when it has no table, else built from the columns.
 */
export function recordsAt(batch: Batch, t: ColumnTable, indices: readonly number[]): Rec[] {
  if (!batch.table) return indices.map((i) => batch.records[i]);
  return takeRows(t, indices).objects() as Rec[];
}

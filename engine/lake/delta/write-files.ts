/**
 * Writes rows (records or column tables) as data files: groups by partition values, refuses
 * unknown columns, encodes Parquet with exact stats, writes durably (fsync) and returns the `add`
 * actions to commit. Everything is column-wise; records are turned into columns once.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rec } from '../../api/batch.ts';
import { writeDurable } from './log.ts';
import { encodeAddPath, partitionDir, partitionValueString } from './partitions.ts';
import type { ColumnTable } from 'arquero';
import type { ColumnData, ColumnSpec, RowRange } from './parquet/columns.ts';
import { recordColumns } from './parquet/columns.ts';
import { writeParquet } from './parquet/write.ts';
import { poolFor } from './pool/pool.ts';
import { shareTasks } from './pool/schedule.ts';
import { encodeMessage, type Encoded } from './pool/tasks.ts';
import { statsJson } from './stats.ts';
import type { Add, Field } from './types.ts';
import { DeltaSchemaError } from './types.ts';
import { primOf } from './values.ts';

export interface FileWriteOptions {
  /** Rows per data file (default 1M); larger partitions get several files. */
  maxRowsPerFile?: number;
  rowGroupRows?: number;
  /** Called with each partition's values before anything is written; throws to refuse the write. */
  inside?: (values: Record<string, string | null>) => void;
  /**
   * The caller has other work to overlap with this write (e.g. a sink while the chain runs): its
   * files are encoded and written by a ready pool worker even when there is only one, from a small
   * size on (see pool.ts `poolFor`). Same files, stats and errors.
   */
  offload?: boolean;
}

/** Data-column specs (partition columns live in the path, not in the file). */
export function dataSpecs(fields: readonly Field[], partitionColumns: readonly string[]): ColumnSpec[] {
  return fields
    .filter((f) => !partitionColumns.includes(f.name))
    .map((f) => ({ name: f.name, prim: primOf(f.type, f.name), nullable: f.nullable }));
}

/** Rows to write: records, or columns (an Arquero table; no records are built from it). */
export type WriteData = readonly Rec[] | ColumnTable;

/** Number of rows of {@link WriteData} without materialising anything. */
export function rowsOf(data: WriteData): number {
  return Array.isArray(data) ? data.length : (data as ColumnTable).numRows();
}

/**
 * The data as value columns, checking that every column is in the schema (a column of only
 * `undefined` is ignored, like an absent key). Records are turned into columns once, here.
 */
export function writeColumns(fields: readonly Field[], data: WriteData): ColumnData {
  const known = new Set(fields.map((f) => f.name));
  if (Array.isArray(data)) {
    const records = data as readonly Rec[];
    const defined = new Int32Array(records.length);
    const cols = recordColumns(records, fields.map((f) => f.name), defined);
    // A record with more keys than schema values it holds may have an unknown column: look closer.
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (Object.keys(r).length === defined[i]) continue;
      for (const k in r) if (!known.has(k) && r[k] !== undefined) throw unknownColumn(k, i);
    }
    return cols;
  }
  let t = data as ColumnTable;
  if (t.isFiltered() || t.isOrdered()) t = t.reify();
  for (const k of t.columnNames()) {
    if (known.has(k)) continue;
    const col = t.column(k) as unknown as ArrayLike<unknown>;
    for (let i = 0; i < col.length; i++) if (col[i] !== undefined) throw unknownColumn(k, i);
  }
  return { numRows: t.numRows(), column: (name) => t.column(name) as unknown as ArrayLike<unknown> | undefined };
}

function unknownColumn(k: string, row: number): DeltaSchemaError {
  return new DeltaSchemaError(`column '${k}' is not in the table schema (row ${row}); add it as a nullable column through a new schema version`);
}

export interface PartitionGroup {
  /** Protocol strings of the partition values. */
  values: Record<string, string | null>;
  /** Row indexes of the group, in input order. */
  rows: Int32Array;
}

/**
 * Groups rows by their partition values (one group of all rows when unpartitioned). Values are
 * converted once per distinct raw value, not once per row.
 */
export function partitionGroups(fields: readonly Field[], partitionColumns: readonly string[], cols: ColumnData): PartitionGroup[] {
  const n = cols.numRows;
  if (!partitionColumns.length) return [{ values: {}, rows: Int32Array.from({ length: n }, (_, i) => i) }];
  const pFields = partitionColumns.map((c) => {
    const f = fields.find((x) => x.name === c);
    if (!f) throw new DeltaSchemaError(`partition column '${c}' is not in the schema`);
    return { name: c, prim: primOf(f.type, c), nullable: f.nullable, col: cols.column(c) ?? { length: 0 } };
  });
  const groupOf = new Int32Array(n);
  const groups: { values: Record<string, string | null>; size: number }[] = [];
  const byKey = new Map<string, number>();
  // Per column, raw value → protocol string (Dates by time): Gold has one trade date per 5,000 rows.
  const strings = pFields.map(() => new Map<unknown, string | null>());
  // Rows of one partition usually come in runs (a batch per trade date): same raw value as the
  // previous row → same group, without any lookup.
  const single = pFields.length === 1 ? pFields[0].col : undefined;
  for (let i = 0; i < n; i++) {
    if (single && i > 0 && single[i] === single[i - 1]) {
      groupOf[i] = groupOf[i - 1];
      groups[groupOf[i]].size++;
      continue;
    }
    let key = '';
    for (let p = 0; p < pFields.length; p++) {
      const f = pFields[p];
      const raw = f.col[i];
      const memo = raw instanceof Date ? raw.getTime() : raw;
      let v = strings[p].get(memo);
      if (v === undefined) {
        v = partitionValueString(raw, f.prim, f.name);
        strings[p].set(memo, v);
      }
      if (v === null && !f.nullable) throw new DeltaSchemaError(`column '${f.name}': null in a non-nullable partition column (row ${i})`);
      key = p === 0 ? (v ?? '\u0000') : key + '\u0001' + (v ?? '\u0000');
    }
    let g = byKey.get(key);
    if (g === undefined) {
      g = groups.length;
      byKey.set(key, g);
      const values: Record<string, string | null> = {};
      for (let p = 0; p < pFields.length; p++) values[pFields[p].name] = partitionValueString(pFields[p].col[i], pFields[p].prim, pFields[p].name);
      groups.push({ values, size: 0 });
    }
    groupOf[i] = g;
    groups[g].size++;
  }
  const out = groups.map((g) => ({ values: g.values, rows: new Int32Array(g.size), at: 0 }));
  for (let i = 0; i < n; i++) {
    const g = out[groupOf[i]];
    g.rows[g.at++] = i;
  }
  return out.map(({ values, rows }) => ({ values, rows }));
}

/**
 * Encodes and writes rows (records or a column table); returns the adds (not yet committed, so
 * invisible to readers). Schema enforcement (unknown columns, types, nulls) names the column.
 * Large writes share the files between the main thread and the Delta worker pool (pool/): same
 * files, stats and errors, written on several cores. On an error nothing is returned and the
 * files this call wrote are removed again (best effort; they were never committed).
 * @example const adds = await writeDataFiles(root, snap.fields, snap.partitionColumns, rows);
 */
export async function writeDataFiles(
  root: string,
  fields: readonly Field[],
  partitionColumns: readonly string[],
  data: WriteData,
  opts: FileWriteOptions = {},
): Promise<Add[]> {
  const cols = writeColumns(fields, data);
  const groups = partitionGroups(fields, partitionColumns, cols);
  if (opts.inside && partitionColumns.length) for (const g of groups) opts.inside(g.values);
  const specs = dataSpecs(fields, partitionColumns);
  const maxRows = opts.maxRowsPerFile ?? 1_000_000;
  const files: { values: Record<string, string | null>; dir: string; rel: string; rows: RowRange }[] = [];
  for (const { values, rows } of groups) {
    if (!rows.length) continue;
    const dir = partitionColumns.length ? partitionDir(partitionColumns, values) : '';
    for (let lo = 0; lo < rows.length; lo += maxRows) {
      const rel = (dir ? dir + '/' : '') + `part-00000-${randomUUID()}-c000.snappy.parquet`;
      files.push({ values, dir, rel, rows: { idx: rows, lo, hi: Math.min(rows.length, lo + maxRows) } });
    }
  }
  const made = new Map<string, Promise<unknown>>();
  // Encoding is CPU, writing+fsync is I/O: keep a few writes in flight while encoding the next file.
  const inFlight: Promise<void>[] = [];
  const column = (name: string) => cols.column(name);
  const pool = opts.offload ? poolFor(cols.numRows, 'write', true) : files.length > 1 ? poolFor(cols.numRows) : undefined;
  try {
    const encoded = await shareTasks<Encoded, Encoded>(files.length, pool, {
      local: async (i) => {
        const { dir, rel, rows } = files[i];
        const file = writeParquet(specs, cols, { rows, rowGroupRows: opts.rowGroupRows });
        const abs = join(root, rel);
        let mk = made.get(dir);
        if (!mk) made.set(dir, (mk = fs.mkdir(dirname(abs), { recursive: true })));
        inFlight.push(mk.then(() => writeDurable(abs, file.bytes)));
        if (inFlight.length >= 4) await inFlight.shift();
        return { size: file.bytes.length, stats: statsJson(file) };
      },
      remote: (i) => encodeMessage(join(root, files[i].rel), specs, column, files[i].rows, opts.rowGroupRows),
      receive: (_i, answer) => answer,
      // A worker's task includes its fsync: with one task queued behind it, it would sit idle then.
      depth: 4,
      offload: opts.offload,
    });
    await Promise.all(inFlight);
    const now = Date.now();
    return files.map((f, i) => ({
      path: encodeAddPath(f.rel),
      partitionValues: f.values,
      size: encoded[i].size,
      modificationTime: now,
      dataChange: true,
      stats: encoded[i].stats,
    }));
  } catch (e) {
    await Promise.allSettled(inFlight); // no unobserved rejections left behind
    await Promise.allSettled(files.map((f) => fs.unlink(join(root, f.rel))));
    throw e;
  }
}

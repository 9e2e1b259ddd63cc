/**
 * Writes records as data files: groups by partition values, refuses unknown columns, encodes
 * Parquet with exact stats, writes durably (fsync) and returns the `add` actions to commit.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rec } from '../../api/batch.ts';
import { writeDurable } from './log.ts';
import { encodeAddPath, partitionDir, partitionValueString } from './partitions.ts';
import type { ColumnSpec } from './parquet/columns.ts';
import { writeParquet } from './parquet/write.ts';
import { statsJson } from './stats.ts';
import type { Add, Field } from './types.ts';
import { DeltaSchemaError } from './types.ts';
import { primOf } from './values.ts';

export interface FileWriteOptions {
  /** Rows per data file (default 1M); larger partitions get several files. */
  maxRowsPerFile?: number;
  rowGroupRows?: number;
}

/** Data-column specs (partition columns live in the path, not in the file). */
export function dataSpecs(fields: readonly Field[], partitionColumns: readonly string[]): ColumnSpec[] {
  return fields
    .filter((f) => !partitionColumns.includes(f.name))
    .map((f) => ({ name: f.name, prim: primOf(f.type, f.name), nullable: f.nullable }));
}

/**
 * Encodes and writes `records`; returns the adds (not yet committed, so invisible to readers).
 * @example const adds = await writeDataFiles(root, snap.fields, snap.partitionColumns, rows);
 */
export async function writeDataFiles(
  root: string,
  fields: readonly Field[],
  partitionColumns: readonly string[],
  records: readonly Rec[],
  opts: FileWriteOptions = {},
): Promise<Add[]> {
  const known = new Set(fields.map((f) => f.name));
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    for (const k in r) {
      if (!known.has(k) && r[k] !== undefined) {
        throw new DeltaSchemaError(`column '${k}' is not in the table schema (row ${i}); add it as a nullable column through a new schema version`);
      }
    }
  }
  const pFields = partitionColumns.map((c) => {
    const f = fields.find((x) => x.name === c);
    if (!f) throw new DeltaSchemaError(`partition column '${c}' is not in the schema`);
    return { name: c, prim: primOf(f.type, c), nullable: f.nullable };
  });
  const groups = new Map<string, { values: Record<string, string | null>; rows: Rec[] }>();
  if (!pFields.length) groups.set('', { values: {}, rows: records as Rec[] });
  else {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const values: Record<string, string | null> = {};
      let key = '';
      for (const p of pFields) {
        const v = partitionValueString(r[p.name], p.prim, p.name);
        if (v === null && !p.nullable) throw new DeltaSchemaError(`column '${p.name}': null in a non-nullable partition column (row ${i})`);
        values[p.name] = v;
        key += (v === null ? '\u0000' : v) + '\u0001';
      }
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { values, rows: [] }));
      g.rows.push(r);
    }
  }
  const specs = dataSpecs(fields, partitionColumns);
  const maxRows = opts.maxRowsPerFile ?? 1_000_000;
  const adds: Add[] = [];
  const made = new Map<string, Promise<unknown>>();
  // Encoding is CPU, writing+fsync is I/O: keep a few writes in flight while encoding the next file.
  const inFlight: Promise<void>[] = [];
  for (const { values, rows } of groups.values()) {
    if (!rows.length) continue;
    const dir = pFields.length ? partitionDir(partitionColumns, values) : '';
    for (let lo = 0; lo < rows.length; lo += maxRows) {
      const hi = Math.min(rows.length, lo + maxRows);
      const file = writeParquet(specs, rows, { lo, hi, rowGroupRows: opts.rowGroupRows });
      const rel = (dir ? dir + '/' : '') + `part-00000-${randomUUID()}-c000.snappy.parquet`;
      const abs = join(root, rel);
      let mk = made.get(dir);
      if (!mk) made.set(dir, (mk = fs.mkdir(dirname(abs), { recursive: true })));
      inFlight.push(mk.then(() => writeDurable(abs, file.bytes)));
      if (inFlight.length >= 4) await inFlight.shift()!.catch(async (e) => {
        await Promise.allSettled(inFlight); // no unobserved rejections left behind
        throw e;
      });
      adds.push({
        path: encodeAddPath(rel),
        partitionValues: values,
        size: file.bytes.length,
        modificationTime: Date.now(),
        dataChange: true,
        stats: statsJson(file),
      });
    }
  }
  await Promise.all(inFlight);
  return adds;
}

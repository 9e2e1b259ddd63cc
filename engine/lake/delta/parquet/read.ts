/**
 * Reads flat Parquet data files (ours or another writer's) into Argus values. hyparquet decodes
 * pages; we keep decimals and timestamps in their raw integer form (its own conversion goes
 * through float64 and milliseconds) and convert them exactly here.
 */
import { parquetMetadata, parquetRead } from 'hyparquet';
import type { ColumnChunk, FileMetaData, SchemaElement } from 'hyparquet';
import type { Prim } from '../values.ts';
import { fromDays, fromLong, fromMicros, unscaledToText } from '../values.ts';
import { readBigEndian } from './columns.ts';
import { fastReadable, fastReadColumn } from './fast-read.ts';
import { COMPRESSORS } from './snappy.ts';

export interface ReadColumn {
  name: string;
  prim: Prim;
}

export interface ReadOptions {
  /** Decimals as numbers (default) or exact strings. */
  decimals?: 'number' | 'string';
}

const RAW_PARSERS = {
  timestampFromMilliseconds: (v: bigint) => v * 1000n,
  timestampFromMicroseconds: (v: bigint) => v,
  timestampFromNanoseconds: (v: bigint) => v / 1000n,
  dateFromDays: (d: number) => d,
};

/** Column containers a reader fills: plain arrays, or Float64Array for null-free numeric columns. */
export type OutColumn = unknown[] | Float64Array;

/** A file's Parquet footer (decimals and timestamps kept raw; see {@link readParquetInto}). */
export function parquetMeta(bytes: Uint8Array): FileMetaData {
  return parquetMetadata(bytes as unknown as ArrayBuffer, { parsers: RAW_PARSERS }) as FileMetaData;
}

/** Types whose values are always JS numbers when read (so a Float64Array can hold them). */
export function numberValued(prim: Prim, opts: ReadOptions): boolean {
  switch (prim.kind) {
    case 'double': case 'float': case 'integer': case 'short': case 'byte':
      return true;
    case 'decimal':
      return opts.decimals !== 'string';
    default:
      return false;
  }
}

/**
 * True when the file proves the column has no nulls: REQUIRED, or every chunk's statistics say
 * null_count 0. (The table schema's nullability alone is not trusted for a reader's containers.)
 */
export function provesNoNulls(metadata: FileMetaData, name: string): boolean {
  const el = (metadata.schema as SchemaElement[]).find((e) => e.type && e.name === name);
  if (!el) return false;
  if (el.repetition_type === 'REQUIRED') return true;
  for (const rg of metadata.row_groups) {
    const c = rg.columns.find((x: ColumnChunk) => x.meta_data?.path_in_schema[0] === name);
    if (!c?.meta_data?.statistics || Number(c.meta_data.statistics.null_count ?? -1) !== 0) return false;
  }
  return true;
}

/**
 * Decodes the wanted columns of a Parquet file. Columns absent from the file (added later by
 * schema evolution) come back as nulls, as the protocol requires.
 * @example const { numRows, columns } = await readParquet(bytes, [{ name: 'x', prim: { kind: 'long' } }]);
 */
export async function readParquet(bytes: Uint8Array, wanted: readonly ReadColumn[], opts: ReadOptions = {}): Promise<{ numRows: number; columns: unknown[][] }> {
  const metadata = parquetMeta(bytes);
  const numRows = Number(metadata.num_rows);
  const columns = wanted.map(() => new Array(numRows));
  await readParquetInto(bytes, metadata, wanted, opts, columns, 0);
  return { numRows, columns };
}

/**
 * Decodes the wanted columns of a file straight into `out[k]` from row `offset` on (a table scan
 * fills one container per column across all its files, with no per-file arrays or copies).
 * `nulls[k]`, for files {@link fastReadable} only: a null mask for a numeric Float64Array `out[k]`.
 */
export async function readParquetInto(bytes: Uint8Array, metadata: FileMetaData, wanted: readonly ReadColumn[], opts: ReadOptions, out: readonly OutColumn[], offset: number, nulls?: readonly (Uint8Array | undefined)[]): Promise<void> {
  const numRows = Number(metadata.num_rows);
  const present = new Set<string>();
  const elements = new Map<string, SchemaElement>();
  for (const el of metadata.schema as SchemaElement[]) if (el.type) elements.set(el.name, el);
  const found = wanted.filter((w) => elements.has(w.name));
  if (fastReadable(metadata, found.map((w) => w.name))) {
    wanted.forEach((w, k) => {
      const el = elements.get(w.name);
      if (!el) (out[k] as unknown[]).fill(null, offset, offset + numRows);
      else fastReadColumn(bytes, metadata, el, w.prim, opts.decimals ?? 'number', out[k], offset, nulls?.[k]);
      if (!el) nulls?.[k]?.fill(1, offset, offset + numRows);
    });
    return;
  }
  if (nulls?.some(Boolean)) throw new Error('parquet: null masks need a file the fast reader decodes');
  // Other writers' encodings (DELTA_*, INT96, zstd, ...): hyparquet decodes, we convert.
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  for (const el of metadata.schema as SchemaElement[]) {
    if (el.type) present.add(el.name);
    // Keep DECIMAL raw (unscaled integers / bytes): hyparquet would scale through float64.
    if (el.converted_type === 'DECIMAL' || el.logical_type?.type === 'DECIMAL') {
      delete (el as { converted_type?: unknown }).converted_type;
      delete (el as { logical_type?: unknown }).logical_type;
    }
  }
  const names = wanted.filter((w) => present.has(w.name)).map((w) => w.name);
  const raw = new Map<string, unknown[]>();
  for (const n of names) raw.set(n, new Array(numRows));
  if (names.length && numRows) {
    await parquetRead({
      file: { byteLength: buf.byteLength, slice: (s: number, e?: number) => buf.slice(s, e) },
      metadata,
      columns: names,
      parsers: RAW_PARSERS as never,
      compressors: COMPRESSORS,
      utf8: false, // BINARY stays bytes; UTF8/STRING columns are still decoded as text
      onChunk: ({ columnName, columnData, rowStart }) => {
        const o = raw.get(columnName)!;
        for (let i = 0; i < columnData.length; i++) o[rowStart + i] = columnData[i];
      },
    });
  }
  wanted.forEach((w, k) => {
    const r = raw.get(w.name);
    const o = out[k];
    if (!r) (o as unknown[]).fill(null, offset, offset + numRows);
    else {
      const c = convertColumn(r, w.prim, opts);
      for (let i = 0; i < numRows; i++) o[offset + i] = c[i] as never;
    }
  });
}

function convertColumn(r: unknown[], prim: Prim, opts: ReadOptions): unknown[] {
  const n = r.length;
  const out = new Array(n);
  switch (prim.kind) {
    case 'date':
      for (let i = 0; i < n; i++) out[i] = r[i] == null ? null : fromDays(Number(r[i]));
      return out;
    case 'timestamp':
    case 'timestamp_ntz':
      for (let i = 0; i < n; i++) out[i] = r[i] == null ? null : fromMicros(BigInt(r[i] as bigint));
      return out;
    case 'long':
      for (let i = 0; i < n; i++) out[i] = r[i] == null ? null : fromLong(BigInt(r[i] as bigint));
      return out;
    case 'decimal': {
      const scale = prim.scale!;
      const asString = opts.decimals === 'string';
      for (let i = 0; i < n; i++) {
        const v = r[i];
        if (v == null) {
          out[i] = null;
          continue;
        }
        if (!asString && typeof v === 'number') {
          // Exact for INT32-backed decimals: the shortest text of u/10^s is the decimal itself.
          out[i] = Number(unscaledToText(BigInt(v), scale));
          continue;
        }
        const u = v instanceof Uint8Array ? readBigEndian(v) : BigInt(v as bigint | number);
        const text = unscaledToText(u, scale);
        out[i] = asString ? text : Number(text);
      }
      return out;
    }
    default:
      for (let i = 0; i < n; i++) out[i] = r[i] === undefined ? null : r[i];
      return out;
  }
}

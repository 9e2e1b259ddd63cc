/**
 * Reads flat Parquet data files (ours or another writer's) into Argus values. hyparquet decodes
 * pages; we keep decimals and timestamps in their raw integer form (its own conversion goes
 * through float64 and milliseconds) and convert them exactly here.
 */
import { parquetMetadata, parquetRead } from 'hyparquet';
import type { FileMetaData, SchemaElement } from 'hyparquet';
import type { Prim } from '../values.ts';
import { fromDays, fromLong, fromMicros, unscaledToText } from '../values.ts';
import { readBigEndian } from './columns.ts';
import { fastReadable, fastReadColumn } from './fast-read.ts';

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

/**
 * Decodes the wanted columns of a Parquet file. Columns absent from the file (added later by
 * schema evolution) come back as nulls, as the protocol requires.
 */
export async function readParquet(bytes: Uint8Array, wanted: readonly ReadColumn[], opts: ReadOptions = {}): Promise<{ numRows: number; columns: unknown[][] }> {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buf, { parsers: RAW_PARSERS }) as FileMetaData;
  const numRows = Number(metadata.num_rows);
  const present = new Set<string>();
  const elements = new Map<string, SchemaElement>();
  for (const el of metadata.schema as SchemaElement[]) if (el.type) elements.set(el.name, el);
  const found = wanted.filter((w) => elements.has(w.name));
  if (fastReadable(metadata, found.map((w) => w.name))) {
    const columns = wanted.map((w) => {
      const out = new Array(numRows);
      const el = elements.get(w.name);
      if (!el) out.fill(null);
      else fastReadColumn(bytes, metadata, el, w.prim, opts.decimals ?? 'number', out);
      return out;
    });
    return { numRows, columns };
  }
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
      utf8: false, // BINARY stays bytes; UTF8/STRING columns are still decoded as text
      onChunk: ({ columnName, columnData, rowStart }) => {
        const out = raw.get(columnName)!;
        for (let i = 0; i < columnData.length; i++) out[rowStart + i] = columnData[i];
      },
    });
  }
  const columns = wanted.map((w) => {
    const r = raw.get(w.name);
    if (!r) return new Array(numRows).fill(null);
    return convertColumn(r, w.prim, opts);
  });
  return { numRows, columns };
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

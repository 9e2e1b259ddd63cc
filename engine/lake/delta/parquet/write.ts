/**
 * A flat Parquet writer for Delta data files (brief §8): one leaf per column, data page V1,
 * PLAIN or dictionary (for repetitive columns), snappy, chunk statistics. The Thrift serialiser,
 * RLE encoder and snappy compressor are hyparquet-writer's; the column encoders are ours because
 * hyparquet-writer only emits V2 pages and converts values generically (slow on 1M-row files).
 */
import { ByteWriter } from 'hyparquet-writer';
import { serializeTCompactProtocol, ThriftStruct } from 'hyparquet-writer/src/thrift.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { snappyCompress } from './snappy.ts';
import type { Rec } from '../../../api/batch.ts';
import type { ColumnData, ColumnSpec, PhysColumn, RowRange } from './columns.ts';
import { buildColumn, recordColumns } from './columns.ts';

const T = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7 } as const;
const ENC = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const CT = { UTF8: 0, DECIMAL: 5, DATE: 6, TIMESTAMP_MICROS: 10, INT_8: 15, INT_16: 16 } as const;
const PAGE = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;
const SNAPPY = 1;
const BYTE = 3;
const TRUE = 1;
const STRUCT = 12;

export interface WriteOptions {
  /** Rows per row group (default 1M, i.e. one group for most partition files). */
  rowGroupRows?: number;
}

export interface WrittenFile {
  bytes: Uint8Array;
  numRows: number;
  /** Per column, merged over row groups (physical domain), for Delta stats. */
  columns: { spec: ColumnSpec; nullCount: number; min?: PhysColumn['min']; max?: PhysColumn['max'] }[];
}

/**
 * Encodes rows as a Parquet file with the given columns: records, or value columns (e.g. an Arquero
 * table's) with an optional row range/index list (`rows`, default all).
 * @example const f = writeParquet([{ name: 'x', prim: { kind: 'long' }, nullable: false }], [{ x: 1 }]);
 */
export function writeParquet(specs: readonly ColumnSpec[], data: readonly Rec[] | ColumnData, opts: WriteOptions & { rows?: RowRange } = {}): WrittenFile {
  const cols = Array.isArray(data) ? recordColumns(data as readonly Rec[], specs.map((s) => s.name)) : (data as ColumnData);
  const { idx, lo, hi } = opts.rows ?? { lo: 0, hi: cols.numRows };
  const groupRows = opts.rowGroupRows ?? 1_000_000;
  const parts: Uint8Array[] = [Buffer.from('PAR1')];
  let offset = 4;
  const rowGroups: unknown[] = [];
  const merged: WrittenFile['columns'] = specs.map((spec) => ({ spec, nullCount: 0 }));
  const values = specs.map((s) => cols.column(s.name));
  for (let g = lo; g < hi || (g === lo && hi === lo); g += groupRows) {
    const end = Math.min(hi, g + groupRows);
    const chunks: unknown[] = [];
    let groupBytes = 0;
    specs.forEach((spec, ci) => {
      const col = buildColumn(spec, values[ci], { idx, lo: g, hi: end });
      mergeStats(merged[ci], col);
      const { meta, bytes } = encodeChunk(col, end - g, offset);
      for (const b of bytes) {
        parts.push(b);
        offset += b.length;
      }
      groupBytes += Number(meta.field_7);
      chunks.push({ field_2: BigInt(Number(meta.field_9 ?? 0)), field_3: meta });
    });
    rowGroups.push({ field_1: chunks, field_2: BigInt(groupBytes), field_3: BigInt(end - g) });
    if (hi === lo) break;
  }
  const fileMeta = {
    field_1: 1,
    field_2: [{ field_4: 'schema', field_5: specs.length }, ...specs.map(schemaElement)],
    field_3: BigInt(hi - lo),
    field_4: rowGroups,
    field_6: 'argus delta writer',
    // TypeDefinedOrder per column: without it readers ignore min_value/max_value.
    field_7: specs.map(() => ({ field_1: {} })),
  };
  const w = new ByteWriter();
  serializeTCompactProtocol(w, fileMeta);
  const metaBytes = w.getBytes();
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(metaBytes.length, 0);
  tail.write('PAR1', 4);
  parts.push(new Uint8Array(metaBytes), tail);
  return { bytes: Buffer.concat(parts), numRows: hi - lo, columns: merged };
}

function mergeStats(m: WrittenFile['columns'][number], c: PhysColumn): void {
  m.nullCount += c.nullCount;
  if (c.count === 0) return;
  const first = m.min === undefined && m.max === undefined && !('seen' in m);
  if (first) {
    Object.assign(m, { seen: true, min: c.min, max: c.max });
    return;
  }
  if (c.min === undefined || m.min === undefined) {
    m.min = undefined;
    m.max = undefined;
  } else {
    if (cmp(c.min, m.min) < 0) m.min = c.min;
    if (cmp(c.max!, m.max!) > 0) m.max = c.max;
  }
}

function cmp(a: number | bigint | Uint8Array, b: number | bigint | Uint8Array): number {
  if (a instanceof Uint8Array) return Buffer.compare(a, b as Uint8Array);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function schemaElement(s: ColumnSpec): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  const p = s.prim;
  let type: number, ct: number | undefined, lt: unknown, len: number | undefined, scale: number | undefined, precision: number | undefined;
  switch (p.kind) {
    case 'boolean': type = T.BOOLEAN; break;
    case 'integer': type = T.INT32; break;
    case 'short': type = T.INT32; ct = CT.INT_16; lt = intType(16); break;
    case 'byte': type = T.INT32; ct = CT.INT_8; lt = intType(8); break;
    case 'long': type = T.INT64; break;
    case 'float': type = T.FLOAT; break;
    case 'double': type = T.DOUBLE; break;
    case 'string': type = T.BYTE_ARRAY; ct = CT.UTF8; lt = { field_1: {} }; break;
    case 'binary': type = T.BYTE_ARRAY; break;
    case 'date': type = T.INT32; ct = CT.DATE; lt = { field_6: {} }; break;
    case 'timestamp': type = T.INT64; ct = CT.TIMESTAMP_MICROS; lt = tsType(true); break;
    case 'timestamp_ntz': type = T.INT64; lt = tsType(false); break;
    case 'decimal': {
      const pr = p.precision!;
      type = pr <= 9 ? T.INT32 : pr <= 18 ? T.INT64 : T.FIXED_LEN_BYTE_ARRAY;
      if (type === T.FIXED_LEN_BYTE_ARRAY) len = decimalLen(pr);
      ct = CT.DECIMAL;
      scale = p.scale;
      precision = pr;
      lt = { field_5: { field_1: p.scale, field_2: pr } };
      break;
    }
  }
  Object.assign(e, {
    field_1: type!,
    field_2: len,
    field_3: s.nullable ? 1 : 0, // OPTIONAL : REQUIRED
    field_4: s.name,
    field_6: ct,
    field_7: scale,
    field_8: precision,
    field_10: lt,
  });
  return e;
}

function decimalLen(precision: number): number {
  let n = 1;
  while (2n ** BigInt(8 * n - 1) <= 10n ** BigInt(precision)) n++;
  return n;
}

function intType(bits: number): unknown {
  // INTEGER's bitWidth is an i8 in the Thrift IDL; the generic serialiser would write an i32.
  return { field_10: new ThriftStruct([[1, BYTE, bits], [2, TRUE, true]] as never) };
}

function tsType(utc: boolean): unknown {
  return { field_8: new ThriftStruct([[1, utc ? 1 : 2, utc], [2, STRUCT, { field_2: {} }]] as never) };
}

/** Encodes one column chunk (optional dictionary page + one V1 data page). */
function encodeChunk(col: PhysColumn, numRows: number, start: number): { meta: Record<string, unknown>; bytes: Uint8Array[] } {
  const bytes: Uint8Array[] = [];
  let at = start;
  let uncompressed = 0;
  let dictOffset: number | undefined;
  const encodings: number[] = [ENC.RLE];
  let body: Uint8Array;
  let encoding: number = ENC.PLAIN;
  const dict = col.dict;
  if (dict) {
    const page = Array.isArray(dict.entries) ? plainByteArray(dict.entries, col.text) : dict.entries;
    const { header, data, raw } = page_(PAGE.DICTIONARY_PAGE, page, { field_7: { field_1: dict.size, field_2: ENC.PLAIN } });
    dictOffset = at;
    bytes.push(header, data);
    at += header.length + data.length;
    uncompressed += header.length + raw;
    const w = new ByteWriter(col.count + 16);
    const bitWidth = Math.max(1, Math.ceil(Math.log2(dict.size)));
    w.appendUint8(bitWidth);
    writeRleBitPackedHybrid(w, dict.indexes, bitWidth);
    body = w.getBytes();
    encoding = ENC.RLE_DICTIONARY;
    encodings.push(ENC.PLAIN, ENC.RLE_DICTIONARY);
  } else {
    body = plainValues(col);
    encodings.push(ENC.PLAIN);
  }
  let payload = body;
  if (col.def) {
    const w = new ByteWriter(64);
    w.appendUint32(0);
    writeRleBitPackedHybrid(w, col.def, 1);
    const lv = w.getBytes();
    new DataView(lv.buffer, lv.byteOffset).setUint32(0, lv.length - 4, true);
    payload = new Uint8Array(lv.length + body.length);
    payload.set(lv, 0);
    payload.set(body, lv.length);
  }
  const dataOffset = at;
  const { header, data, raw } = page_(PAGE.DATA_PAGE, payload, {
    field_5: { field_1: numRows, field_2: encoding, field_3: ENC.RLE, field_4: ENC.RLE },
  });
  bytes.push(header, data);
  at += header.length + data.length;
  uncompressed += header.length + raw;
  const stats: Record<string, unknown> = { field_3: BigInt(col.nullCount) };
  if (col.min !== undefined && col.max !== undefined) {
    stats.field_5 = statBytes(col, col.max);
    stats.field_6 = statBytes(col, col.min);
  }
  const meta = {
    field_1: T[col.physical],
    field_2: encodings,
    field_3: [col.spec.name],
    field_4: SNAPPY,
    field_5: BigInt(numRows),
    field_6: BigInt(uncompressed),
    field_7: BigInt(at - start),
    field_9: BigInt(dataOffset),
    field_11: dictOffset === undefined ? undefined : BigInt(dictOffset),
    field_12: stats,
  };
  return { meta, bytes };
}

function page_(type: number, raw: Uint8Array, extra: Record<string, unknown>): { header: Uint8Array; data: Uint8Array; raw: number } {
  const data = snappyCompress(raw);
  const w = new ByteWriter(64);
  serializeTCompactProtocol(w, { field_1: type, field_2: raw.length, field_3: data.length, ...extra });
  return { header: new Uint8Array(w.getBytes()), data, raw: raw.length };
}

/** PLAIN BYTE_ARRAY values; `joined`: the strings already joined (see PhysColumn.text). */
function plainByteArray(values: readonly (Uint8Array | string)[], joined?: string): Uint8Array {
  if (values.length && typeof values[0] === 'string') {
    // Encode all strings at once; when the text is ASCII, byte lengths equal string lengths.
    const strs = values as readonly string[];
    joined ??= strs.join('');
    const bytes = Buffer.from(joined, 'utf8');
    if (bytes.length === joined.length) {
      const out = Buffer.allocUnsafe(4 * strs.length + bytes.length);
      let at = 0;
      let from = 0;
      for (const v of strs) {
        const len = v.length;
        out.writeUInt32LE(len, at);
        at += 4;
        for (let k = 0; k < len; k++) out[at + k] = bytes[from + k];
        at += len;
        from += len;
      }
      return out;
    }
  }
  let size = 0;
  for (const v of values) size += 4 + (typeof v === 'string' ? Buffer.byteLength(v) : v.length);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const v of values) {
    if (typeof v === 'string') {
      const len = out.write(v, at + 4);
      out.writeUInt32LE(len, at);
      at += 4 + len;
    } else {
      out.writeUInt32LE(v.length, at);
      out.set(v, at + 4);
      at += 4 + v.length;
    }
  }
  return out;
}

function plainValues(col: PhysColumn): Uint8Array {
  const v = col.values;
  if (col.physical === 'BYTE_ARRAY') return plainByteArray(v as (Uint8Array | string)[], col.text); // no dictionary: text joins the values
  if (col.physical === 'BOOLEAN') {
    const b = v as Uint8Array;
    const out = new Uint8Array((col.count + 7) >> 3);
    for (let i = 0; i < col.count; i++) if (b[i]) out[i >> 3] |= 1 << (i & 7);
    return out;
  }
  const t = v as Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;
  return new Uint8Array(t.buffer, t.byteOffset, t.byteLength); // little-endian host, as PLAIN wants
}

function statBytes(col: PhysColumn, v: number | bigint | Uint8Array): Uint8Array {
  const b = Buffer.alloc(8);
  switch (col.physical) {
    case 'INT32': b.writeInt32LE(v as number); return b.subarray(0, 4);
    case 'INT64': b.writeBigInt64LE(BigInt(v as number | bigint)); return b;
    case 'FLOAT': b.writeFloatLE(v as number); return b.subarray(0, 4);
    case 'DOUBLE': b.writeDoubleLE(v as number); return b;
    case 'BYTE_ARRAY': return v as Uint8Array;
    case 'FIXED_LEN_BYTE_ARRAY': {
      const out = new Uint8Array(col.typeLength!);
      let x = BigInt.asUintN(col.typeLength! * 8, BigInt(v as number | bigint));
      for (let k = col.typeLength! - 1; k >= 0; k--) {
        out[k] = Number(x & 0xffn);
        x >>= 8n;
      }
      return out;
    }
    default: return new Uint8Array(0);
  }
}

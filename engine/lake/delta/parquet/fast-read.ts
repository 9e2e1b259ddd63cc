/**
 * A fast path for flat Parquet files with the common encodings (PLAIN, dictionary, RLE levels;
 * snappy or uncompressed; V1 or V2 pages): decodes straight into Argus values without BigInt or
 * per-value allocations where avoidable. Files written by Argus always qualify; others that
 * use anything else (DELTA_*, INT96, gzip/zstd, nested columns) go through hyparquet instead.
 */
import { isAscii } from 'node:buffer';
import type { ColumnChunk, FileMetaData, SchemaElement } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import type { Prim } from '../values.ts';
import { fromDays, fromLong, unscaledToText } from '../values.ts';
import { readBigEndian } from './columns.ts';
import { COMPRESSORS } from './snappy.ts';

const OK_ENCODINGS = new Set(['PLAIN', 'RLE', 'RLE_DICTIONARY', 'PLAIN_DICTIONARY', 'BIT_PACKED']);
const OK_CODECS = new Set(['SNAPPY', 'UNCOMPRESSED']);
const TWO32 = 4294967296;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** True when every wanted column chunk can be decoded by {@link fastReadColumn}. */
export function fastReadable(metadata: FileMetaData, names: readonly string[]): boolean {
  const want = new Set(names);
  for (const rg of metadata.row_groups) {
    for (const c of rg.columns) {
      const m = c.meta_data;
      if (!m || !want.has(m.path_in_schema[0])) continue;
      if (m.path_in_schema.length !== 1 || m.type === 'INT96' || !OK_CODECS.has(m.codec)) return false;
      if (m.encodings.some((e) => !OK_ENCODINGS.has(e))) return false;
    }
  }
  return true;
}

type Convert = (view: DataView, bytes: Uint8Array, at: number, n: number, out: unknown[], o: number) => number;

/**
 * Decodes one column over all row groups into `out[offset ..]`, converting to Argus values. `out`
 * may be a Float64Array when the caller knows the column is numeric and null-free, or numeric
 * with a `nulls` mask given: nulls then set `nulls[row] = 1` (and leave 0 in `out`), so a worker
 * can ship a nullable number column as two typed arrays (pool/transport.ts).
 */
export function fastReadColumn(bytes: Uint8Array, metadata: FileMetaData, element: SchemaElement, prim: Prim, decimals: 'number' | 'string', outColumn: unknown[] | Float64Array, offset = 0, nulls?: Uint8Array): void {
  const out = outColumn as unknown[]; // numbers only when it is a Float64Array (see read.ts)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const plain = plainDecoder(element, prim, decimals);
  const optional = element.repetition_type !== 'REQUIRED';
  let row = offset;
  for (const rg of metadata.row_groups) {
    const chunk = rg.columns.find((c: ColumnChunk) => c.meta_data?.path_in_schema[0] === element.name);
    const rgRows = Number(rg.num_rows);
    if (!chunk?.meta_data) {
      for (let i = 0; i < rgRows; i++) out[row + i] = null;
      nulls?.fill(1, row, row + rgRows);
      row += rgRows;
      continue;
    }
    const m = chunk.meta_data;
    let pos = Number(m.dictionary_page_offset ?? m.data_page_offset);
    if (m.dictionary_page_offset !== undefined && Number(m.dictionary_page_offset) === 0) pos = Number(m.data_page_offset);
    const end = pos + Number(m.total_compressed_size);
    let dict: unknown[] | undefined;
    const stop = row + rgRows;
    while (row < stop && pos < end) {
      const reader = { view, offset: pos };
      const h = parquetHeader(reader);
      pos = reader.offset;
      const raw = bytes.subarray(pos, pos + h.compressed_page_size);
      pos += h.compressed_page_size;
      if (h.type === 'DICTIONARY_PAGE') {
        const page = decompressPage(raw, h.uncompressed_page_size, m.codec, COMPRESSORS);
        const n = h.dictionary_page_header!.num_values;
        dict = new Array(n);
        plain(new DataView(page.buffer, page.byteOffset, page.byteLength), page, 0, n, dict, 0);
        continue;
      }
      let page: Uint8Array, n: number, def: Uint8Array | undefined, off = 0, encoding: string;
      if (h.type === 'DATA_PAGE') {
        page = decompressPage(raw, h.uncompressed_page_size, m.codec, COMPRESSORS);
        n = h.data_page_header!.num_values;
        encoding = h.data_page_header!.encoding;
        if (optional) {
          def = new Uint8Array(n);
          const r = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
          readRleBitPackedHybrid(r, 1, def);
          off = r.offset;
        }
      } else if (h.type === 'DATA_PAGE_V2') {
        const d = h.data_page_header_v2!;
        n = d.num_values;
        encoding = d.encoding;
        const levels = d.definition_levels_byte_length + d.repetition_levels_byte_length;
        if (optional) {
          def = new Uint8Array(n);
          const lv = raw.subarray(d.repetition_levels_byte_length, levels);
          readRleBitPackedHybrid({ view: new DataView(lv.buffer, lv.byteOffset, lv.byteLength), offset: 0 }, 1, def, lv.length);
        }
        const body = raw.subarray(levels);
        page = d.is_compressed === false ? body : decompressPage(body, h.uncompressed_page_size - levels, m.codec, COMPRESSORS);
      } else continue;
      const pv = new DataView(page.buffer, page.byteOffset, page.byteLength);
      let present = n;
      if (def) {
        present = 0;
        for (let i = 0; i < n; i++) present += def[i];
      }
      const sparse = def !== undefined && present < n;
      if (sparse && nulls) for (let i = 0; i < n; i++) if (!def![i]) nulls[row + i] = 1;
      if (encoding !== 'PLAIN') {
        if (!dict) throw new Error(`parquet: dictionary page missing for column ${element.name}`);
        const width = page[off];
        const idx = new Int32Array(present);
        if (present) readRleBitPackedHybrid({ view: pv, offset: off + 1 }, width, idx, page.length - off - 1);
        // Entries were converted once; rows take them by index (nulls placed in the same pass).
        if (sparse) {
          let k = 0;
          for (let i = 0; i < n; i++) out[row + i] = def![i] ? dict[idx[k++]] : null;
        } else for (let i = 0; i < n; i++) out[row + i] = dict[idx[i]];
      } else if (sparse) {
        const vals: unknown[] = new Array(present);
        plain(pv, page, off, present, vals, 0);
        let k = 0;
        for (let i = 0; i < n; i++) out[row + i] = def![i] ? vals[k++] : null;
      } else plain(pv, page, off, present, out, row);
      row += n;
    }
  }
}

function plainDecoder(el: SchemaElement, prim: Prim, decimals: 'number' | 'string'): Convert {
  const scale = prim.scale ?? el.scale ?? 0;
  const div = POW10[Math.min(scale, 22)];
  const asText = decimals === 'string';
  // u / 10^s is correctly rounded, hence equal to parsing the exact decimal text (for s ≤ 22).
  const dec = (u: number): number | string => (asText ? unscaledToText(BigInt(u), scale) : scale > 22 ? Number(unscaledToText(BigInt(u), scale)) : u / div);
  switch (el.type) {
    case 'INT32':
      // One loop per conversion: no per-value branching on the type.
      if (prim.kind === 'date')
        return (v, _b, at, n, out, o) => {
          for (let i = 0; i < n; i++, at += 4) out[o + i] = fromDays(v.getInt32(at, true));
          return at;
        };
      if (prim.kind === 'decimal' && !asText && scale <= 22)
        return (v, _b, at, n, out, o) => {
          for (let i = 0; i < n; i++, at += 4) out[o + i] = v.getInt32(at, true) / div;
          return at;
        };
      return (v, _b, at, n, out, o) => {
        for (let i = 0; i < n; i++, at += 4) {
          const x = v.getInt32(at, true);
          out[o + i] = prim.kind === 'decimal' ? dec(x) : x;
        }
        return at;
      };
    case 'INT64': {
      const unit = el.logical_type?.type === 'TIMESTAMP' ? el.logical_type.unit : el.converted_type === 'TIMESTAMP_MILLIS' ? 'MILLIS' : 'MICROS';
      if (prim.kind === 'timestamp' || prim.kind === 'timestamp_ntz') {
        const per = unit === 'MILLIS' ? 1 : unit === 'NANOS' ? 1e6 : 1000;
        return (v, _b, at, n, out, o) => {
          for (let i = 0; i < n; i++, at += 8) out[o + i] = new Date(Math.floor((v.getInt32(at + 4, true) * TWO32 + v.getUint32(at, true)) / per));
          return at;
        };
      }
      if (prim.kind === 'decimal')
        return (v, _b, at, n, out, o) => {
          for (let i = 0; i < n; i++, at += 8) {
            const hi = v.getInt32(at + 4, true);
            out[o + i] = hi >= -2097152 && hi < 2097152 ? dec(hi * TWO32 + v.getUint32(at, true)) : decimalBig(v.getBigInt64(at, true), scale, asText);
          }
          return at;
        };
      return (v, _b, at, n, out, o) => {
        for (let i = 0; i < n; i++, at += 8) {
          const hi = v.getInt32(at + 4, true);
          out[o + i] = hi >= -2097152 && hi < 2097152 ? hi * TWO32 + v.getUint32(at, true) : fromLong(v.getBigInt64(at, true));
        }
        return at;
      };
    }
    case 'DOUBLE':
      return (v, _b, at, n, out, o) => {
        for (let i = 0; i < n; i++, at += 8) out[o + i] = v.getFloat64(at, true);
        return at;
      };
    case 'FLOAT':
      return (v, _b, at, n, out, o) => {
        for (let i = 0; i < n; i++, at += 4) out[o + i] = v.getFloat32(at, true);
        return at;
      };
    case 'BOOLEAN':
      return (_v, b, at, n, out, o) => {
        for (let i = 0; i < n; i++) out[o + i] = ((b[at + (i >> 3)] >> (i & 7)) & 1) === 1;
        return at + ((n + 7) >> 3);
      };
    case 'BYTE_ARRAY':
      return (v, b, at, n, out, o) => {
        const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
        if (prim.kind === 'string' && isAscii(buf.subarray(at))) {
          // ASCII page (length prefixes included): one string for the page, one substring per
          // value, instead of a UTF-8 decoder call per value (symbols are ~9 characters).
          const text = buf.toString('latin1');
          for (let i = 0; i < n; i++) {
            const len = v.getUint32(at, true);
            out[o + i] = text.substring(at + 4, at + 4 + len);
            at += 4 + len;
          }
          return at;
        }
        for (let i = 0; i < n; i++) {
          const len = v.getUint32(at, true);
          at += 4;
          if (prim.kind === 'string') out[o + i] = buf.toString('utf8', at, at + len);
          else if (prim.kind === 'decimal') out[o + i] = decimalBytes(b, at, len, scale, div, asText);
          else out[o + i] = b.slice(at, at + len);
          at += len;
        }
        return at;
      };
    case 'FIXED_LEN_BYTE_ARRAY': {
      const w = el.type_length!;
      if (prim.kind === 'decimal')
        return (_v, b, at, n, out, o) => {
          for (let i = 0; i < n; i++, at += w) out[o + i] = decimalBytes(b, at, w, scale, div, asText);
          return at;
        };
      return (_v, b, at, n, out, o) => {
        for (let i = 0; i < n; i++, at += w) out[o + i] = b.slice(at, at + w);
        return at;
      };
    }
    default:
      throw new Error(`parquet: unsupported physical type ${el.type} for column ${el.name}`);
  }
}

function decimalBig(u: bigint, scale: number, asText: boolean): number | string {
  const t = unscaledToText(u, scale);
  return asText ? t : Number(t);
}

/**
 * The big-endian two's-complement decimal in `b[at .. at + len)` → value; plain float arithmetic
 * while exact. Reads in place: a subarray per value would allocate an object per cell.
 */
function decimalBytes(b: Uint8Array, at: number, len: number, scale: number, div: number, asText: boolean): number | string {
  const end = at + len;
  let x = len ? (b[at] >= 128 ? b[at] - 256 : b[at]) : 0;
  for (let k = at + 1; k < end; k++) x = x * 256 + b[k];
  if (x > -9007199254740992 && x < 9007199254740992 && scale <= 22) return asText ? unscaledToText(BigInt(x), scale) : x / div;
  return decimalBig(readBigEndian(b.subarray(at, end)), scale, asText);
}

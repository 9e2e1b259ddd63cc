/**
 * Records → physical Parquet columns (one row range), with exact statistics. Every conversion
 * error names the column; nulls in non-nullable columns and values of the wrong type are refused
 * here, so schema enforcement and encoding are one pass over the data.
 */
import type { Rec } from '../../../api/batch.ts';
import { DeltaSchemaError } from '../types.ts';
import type { Prim } from '../values.ts';
import { show, toDays, toLong, toMicros, toUnscaled, toUnscaledFast } from '../values.ts';

export interface ColumnSpec {
  name: string;
  prim: Prim;
  nullable: boolean;
}

export type Physical = 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY' | 'FIXED_LEN_BYTE_ARRAY';

export interface PhysColumn {
  spec: ColumnSpec;
  physical: Physical;
  typeLength?: number;
  /**
   * Non-null values only, packed. INT64: little-endian bytes (8 per value); FLBA: `count × typeLength`
   * bytes; BOOLEAN: one byte per value; strings: JS strings (encoded by the writer, once per distinct value).
   */
  values: Int32Array | Float32Array | Float64Array | Uint8Array | Uint8Array[] | string[];
  count: number;
  /** Definition levels (1 present, 0 null) for nullable columns. */
  def?: Uint8Array;
  nullCount: number;
  /** Min/max in the physical domain (number, bigint, Uint8Array); undefined = unknown, omit. */
  min?: number | bigint | Uint8Array;
  max?: number | bigint | Uint8Array;
}

/** Minimal big-endian two's-complement width for a decimal of `precision` digits (arrow-rs rule). */
export function decimalWidth(precision: number): number {
  let n = 1;
  while (2n ** BigInt(8 * n - 1) <= 10n ** BigInt(precision)) n++;
  return n;
}

export function physicalOf(prim: Prim): { physical: Physical; typeLength?: number } {
  switch (prim.kind) {
    case 'boolean': return { physical: 'BOOLEAN' };
    case 'integer': case 'short': case 'byte': case 'date': return { physical: 'INT32' };
    case 'long': case 'timestamp': case 'timestamp_ntz': return { physical: 'INT64' };
    case 'float': return { physical: 'FLOAT' };
    case 'double': return { physical: 'DOUBLE' };
    case 'string': case 'binary': return { physical: 'BYTE_ARRAY' };
    case 'decimal':
      if (prim.precision! <= 9) return { physical: 'INT32' };
      if (prim.precision! <= 18) return { physical: 'INT64' };
      return { physical: 'FIXED_LEN_BYTE_ARRAY', typeLength: decimalWidth(prim.precision!) };
  }
}

const BITS: Record<string, number> = { integer: 32, short: 16, byte: 8 };
const enc = new TextEncoder();

/** Builds the physical column for `records[lo..hi)`. */
export function buildColumn(spec: ColumnSpec, records: readonly Rec[], lo: number, hi: number): PhysColumn {
  const { name, prim, nullable } = spec;
  const n = hi - lo;
  const { physical, typeLength } = physicalOf(prim);
  let def: Uint8Array | undefined = nullable ? new Uint8Array(n) : undefined;
  let count = 0;
  const present = (v: unknown, i: number): boolean => {
    if (v === null || v === undefined) {
      if (!nullable) throw new DeltaSchemaError(`column '${name}': null in a non-nullable column (row ${i})`);
      return false;
    }
    if (def) def[i - lo] = 1;
    return true;
  };
  let min: number | bigint | Uint8Array | undefined;
  let max: number | bigint | Uint8Array | undefined;
  let values: PhysColumn['values'];

  if (physical === 'INT32') {
    const out = new Int32Array(n);
    const bits = BITS[prim.kind];
    let mn = Infinity, mx = -Infinity;
    for (let i = lo; i < hi; i++) {
      const v = records[i][name];
      if (!present(v, i)) continue;
      let x: number;
      if (prim.kind === 'date') x = toDays(v, name);
      else if (prim.kind === 'decimal') x = Number(toUnscaled(v, prim.precision!, prim.scale!, name));
      else x = Number(toLong(v, name, bits));
      out[count++] = x;
      if (x < mn) mn = x;
      if (x > mx) mx = x;
    }
    values = out.subarray(0, count);
    if (count) {
      min = mn;
      max = mx;
    }
  } else if (physical === 'INT64') {
    // Written as int32 pairs from plain numbers: no BigInt per value unless beyond 2^53.
    const i32 = new Int32Array(2 * n);
    const dv = new DataView(i32.buffer);
    let mn: number | bigint | undefined, mx: number | bigint | undefined;
    for (let i = lo; i < hi; i++) {
      const v = records[i][name];
      if (!present(v, i)) continue;
      let x: number | bigint;
      if (prim.kind === 'long') x = typeof v === 'number' && Number.isSafeInteger(v) ? v : toLong(v, name);
      else if (prim.kind === 'decimal') x = toUnscaledFast(v, prim.precision!, prim.scale!, name);
      else x = v instanceof Date && !Number.isNaN(v.getTime()) ? v.getTime() * 1000 : Number(toMicros(v, name));
      if (typeof x === 'number') {
        const h = Math.floor(x / TWO32);
        i32[2 * count] = (x - h * TWO32) | 0;
        i32[2 * count + 1] = h;
      } else dv.setBigInt64(8 * count, x, true);
      count++;
      if (mn === undefined || x < mn) mn = x;
      if (mx === undefined || x > mx) mx = x;
    }
    values = new Uint8Array(i32.buffer, 0, 8 * count);
    min = mn;
    max = mx;
  } else if (physical === 'DOUBLE' || physical === 'FLOAT') {
    const out = physical === 'DOUBLE' ? new Float64Array(n) : new Float32Array(n);
    let mn = Infinity, mx = -Infinity, nan = false;
    for (let i = lo; i < hi; i++) {
      const v = records[i][name];
      if (!present(v, i)) continue;
      if (typeof v !== 'number') throw new DeltaSchemaError(`column '${name}': expected a number, got ${show(v)}`);
      out[count++] = v;
      if (v !== v) nan = true;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    values = out.subarray(0, count);
    // NaN has no place in an ordering: omit min/max rather than guess.
    if (count && !nan) {
      min = physical === 'FLOAT' ? Math.fround(mn) : mn;
      max = physical === 'FLOAT' ? Math.fround(mx) : mx;
    }
  } else if (physical === 'BOOLEAN') {
    const out = new Uint8Array(n);
    for (let i = lo; i < hi; i++) {
      const v = records[i][name];
      if (!present(v, i)) continue;
      if (typeof v !== 'boolean') throw new DeltaSchemaError(`column '${name}': expected a boolean, got ${show(v)}`);
      out[count++] = v ? 1 : 0;
    }
    values = out.subarray(0, count);
  } else if (physical === 'BYTE_ARRAY' && prim.kind === 'string') {
    const out: string[] = [];
    let mn: string | undefined, mx: string | undefined;
    for (let i = lo; i < hi; i++) {
      const v = records[i][name];
      if (!present(v, i)) continue;
      if (typeof v !== 'string') throw new DeltaSchemaError(`column '${name}': expected a string, got ${show(v)}`);
      out.push(v);
      count++;
      // UTF-16 order equals UTF-8 byte order except around surrogates; lessUtf8 handles those.
      if (mn === undefined || (v < mn ? !hasSurrogate(v, mn) || lessUtf8(v, mn) : hasSurrogate(v, mn) && lessUtf8(v, mn))) mn = v;
      if (mx === undefined || (v > mx ? !hasSurrogate(v, mx) || lessUtf8(mx, v) : hasSurrogate(v, mx) && lessUtf8(mx, v))) mx = v;
    }
    values = out;
    if (mn !== undefined) {
      min = enc.encode(mn);
      max = enc.encode(mx!);
    }
  } else if (physical === 'BYTE_ARRAY') {
    const out: Uint8Array[] = [];
    let mnB: Uint8Array | undefined, mxB: Uint8Array | undefined;
    for (let i = lo; i < hi; i++) {
      const v = records[i][name];
      if (!present(v, i)) continue;
      if (!(v instanceof Uint8Array)) throw new DeltaSchemaError(`column '${name}': expected a Uint8Array, got ${show(v)}`);
      out.push(v);
      count++;
      if (!mnB || Buffer.compare(v, mnB) < 0) mnB = v;
      if (!mxB || Buffer.compare(v, mxB) > 0) mxB = v;
    }
    values = out;
    if (mnB) {
      min = mnB;
      max = mxB;
    }
  } else {
    const w = typeLength!;
    const out = new Uint8Array(n * w);
    let mn: number | bigint | undefined, mx: number | bigint | undefined;
    for (let i = lo; i < hi; i++) {
      const v = records[i][name];
      if (!present(v, i)) continue;
      const u = toUnscaledFast(v, prim.precision!, prim.scale!, name);
      if (typeof u === 'number') writeBigEndianNumber(out, count * w, w, u);
      else writeBigEndian(out, count * w, w, u);
      count++;
      if (mn === undefined || u < mn) mn = u;
      if (mx === undefined || u > mx) mx = u;
    }
    values = out.subarray(0, count * w);
    min = mn;
    max = mx;
  }
  if (def && count === n) def = undefined; // no nulls: levels are all 1, still written below
  return { spec, physical, typeLength, values, count, def: nullable ? (def ?? new Uint8Array(n).fill(1)) : undefined, nullCount: n - count, min, max };
}

const SURROGATE = /[\ud800-\udfff]/;
function hasSurrogate(a: string, b: string): boolean {
  return SURROGATE.test(a) || SURROGATE.test(b);
}

function lessUtf8(a: string, b: string): boolean {
  if (a === b) return false;
  if (!hasSurrogate(a, b)) return a < b;
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
}

const TWO32 = 4294967296;
/** Big-endian two's complement of a safe integer into `w ≥ 8` bytes, without BigInt. */
export function writeBigEndianNumber(out: Uint8Array, at: number, w: number, x: number): void {
  const h = Math.floor(x / TWO32);
  const l = x - h * TWO32;
  const e = at + w;
  out[e - 1] = l & 255;
  out[e - 2] = (l >>> 8) & 255;
  out[e - 3] = (l >>> 16) & 255;
  out[e - 4] = (l >>> 24) & 255;
  out[e - 5] = h & 255;
  out[e - 6] = (h >> 8) & 255;
  out[e - 7] = (h >> 16) & 255;
  out[e - 8] = (h >> 24) & 255;
  const fill = x < 0 ? 255 : 0;
  for (let k = at; k < e - 8; k++) out[k] = fill;
}

/** Two's-complement big-endian bytes of `u` into `out[at..at+w)`. */
export function writeBigEndian(out: Uint8Array, at: number, w: number, u: bigint): void {
  let x = BigInt.asUintN(w * 8, u);
  for (let k = w - 1; k >= 0; k--) {
    out[at + k] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** The signed value of big-endian two's-complement bytes. */
export function readBigEndian(b: Uint8Array): bigint {
  let x = 0n;
  for (const byte of b) x = (x << 8n) | BigInt(byte);
  return BigInt.asIntN(b.length * 8, x);
}

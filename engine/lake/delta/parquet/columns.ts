/**
 * Value columns → physical Parquet columns (one row range), with exact statistics. Every conversion
 * error names the column; nulls in non-nullable columns and values of the wrong type are refused
 * here, so schema enforcement and encoding are one pass over the data.
 */
import type { Rec } from '../../../api/batch.ts';
import { DeltaSchemaError } from '../types.ts';
import type { Prim } from '../values.ts';
import { show, toDays, toLong, toMicros, toUnscaledFast } from '../values.ts';
import { split, splitUnscaled } from './decimal.ts';
import { distinctRange, provablyDistinct } from './distinct.ts';

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
  /**
   * Dictionary encoding, when the column is repetitive: entries in first-seen order (strings, or
   * numeric values already in PLAIN bytes), `size` of them, one index per non-null value.
   */
  dict?: { entries: string[] | Uint8Array; size: number; indexes: Int32Array };
  /**
   * Strings: the values (or the dictionary's entries, when there is one) joined, when the stats
   * needed them so; the writer encodes it rather than joining again (a day's symbols: ~45 kB).
   */
  text?: string;
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

/** Value columns by name: an Arquero table's, or ones taken from records ({@link recordColumns}). */
export interface ColumnData {
  numRows: number;
  column(name: string): ArrayLike<unknown> | undefined;
}

/**
 * The named columns of records (one array each; an absent key is `undefined`). `defined[i]`, if
 * given, is incremented per named column record `i` holds a value for.
 * @example recordColumns([{ x: 1 }, { x: 2 }], ['x']).column('x') // [1, 2]
 */
export function recordColumns(records: readonly Rec[], names: readonly string[], defined?: Int32Array): ColumnData {
  const n = records.length;
  const cols = names.map(() => new Array<unknown>(n));
  extractor(names)(records, cols, defined ?? new Int32Array(n));
  const byName = new Map(names.map((name, k) => [name, cols[k]]));
  return { numRows: n, column: (name) => byName.get(name) };
}

type Extract = (records: readonly Rec[], cols: unknown[][], defined: Int32Array) => void;
const extractors = new Map<string, Extract>();

/**
 * A compiled row-by-row extractor for these names: each property load has its own site with a
 * literal key, so it stays monomorphic over records of one shape (a shared site would see every
 * name and go megamorphic, ~4× slower on Gold rows).
 */
function extractor(names: readonly string[]): Extract {
  const key = JSON.stringify(names);
  let f = extractors.get(key);
  if (!f) {
    const body = names
      .map((name, k) => `v = r[${JSON.stringify(name)}]; c${k}[i] = v; if (v !== undefined) d++;`)
      .join('\n');
    const decl = names.map((_, k) => `const c${k} = cols[${k}];`).join('\n');
    f = new Function('records', 'cols', 'defined', `${decl}\nfor (let i = 0; i < records.length; i++) {\nconst r = records[i]; let d = 0; let v;\n${body}\ndefined[i] = d;\n}`) as Extract;
    extractors.set(key, f);
  }
  return f;
}

/**
 * The rows of one column chunk: `col[idx[k]]` for `k` in `[lo, hi)`, or `col[k]` without `idx`
 * (a partition's rows are an index list into the batch's columns, so nothing is copied).
 */
export interface RowRange {
  idx?: Int32Array;
  lo: number;
  hi: number;
}

/**
 * Builds the physical column for a row range of `col` (a record value column: plain array or
 * typed array; `null`/`undefined` mean missing; an absent column is all missing). Statistics are
 * computed in the same pass; strings are dictionary-encoded on the fly while repetitive.
 * @example buildColumn({ name: 'x', prim: { kind: 'long' }, nullable: false }, [1, 2], { lo: 0, hi: 2 })
 */
export function buildColumn(spec: ColumnSpec, col: ArrayLike<unknown> | undefined, rows: RowRange): PhysColumn {
  const { name, prim, nullable } = spec;
  const { idx, lo, hi } = rows;
  const n = hi - lo;
  const { physical, typeLength } = physicalOf(prim);
  const c: ArrayLike<unknown> = col ?? { length: 0 };
  const def: Uint8Array | undefined = nullable ? new Uint8Array(n) : undefined;
  let count = 0;
  // Row `k` of the range is `c[idx[k]]`; errors name the row of the input (batch) it came from.
  const missing = (k: number): void => {
    if (!nullable) throw new DeltaSchemaError(`column '${name}': null in a non-nullable column (row ${idx ? idx[k] : k})`);
  };
  let min: number | bigint | Uint8Array | undefined;
  let max: number | bigint | Uint8Array | undefined;
  let values: PhysColumn['values'];
  let dict: PhysColumn['dict'];
  let text: string | undefined;

  if (physical === 'INT32') {
    const out = new Int32Array(n);
    const bits = BITS[prim.kind];
    let mn = Infinity, mx = -Infinity;
    for (let k = lo; k < hi; k++) {
      const v = c[idx ? idx[k] : k];
      if (v == null) {
        missing(k);
        continue;
      }
      if (def) def[k - lo] = 1;
      let x: number;
      if (prim.kind === 'date') x = toDays(v, name);
      else if (prim.kind === 'decimal') x = toUnscaledFast(v, prim.precision!, prim.scale!, name) as number;
      else x = typeof v === 'number' && (v | 0) === v && bits === 32 ? v : Number(toLong(v, name, bits));
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
    let allNumbers = true;
    let mnN = Infinity, mxN = -Infinity;
    for (let k = lo; k < hi; k++) {
      const v = c[idx ? idx[k] : k];
      if (v == null) {
        missing(k);
        continue;
      }
      if (def) def[k - lo] = 1;
      let x: number | bigint;
      if (prim.kind === 'long') x = typeof v === 'number' && Number.isSafeInteger(v) ? v : toLong(v, name);
      else if (prim.kind === 'decimal') x = toUnscaledFast(v, prim.precision!, prim.scale!, name);
      else x = v instanceof Date && !Number.isNaN(v.getTime()) ? v.getTime() * 1000 : Number(toMicros(v, name));
      if (typeof x === 'number') {
        // Int32 range (most prices, volumes): the high word is the sign; no division.
        const h = x >= -2147483648 && x <= 2147483647 ? (x < 0 ? -1 : 0) : Math.floor(x / TWO32);
        i32[2 * count] = (x - h * TWO32) | 0;
        i32[2 * count + 1] = h;
        if (x < mnN) mnN = x;
        if (x > mxN) mxN = x;
      } else {
        // Rare (beyond 2^53): exact bigint ordering for these values only.
        dv.setBigInt64(8 * count, x, true);
        allNumbers = false;
        if (mn === undefined || x < mn) mn = x;
        if (mx === undefined || x > mx) mx = x;
      }
      count++;
    }
    values = new Uint8Array(i32.buffer, 0, 8 * count);
    if (count) {
      if (allNumbers) {
        min = mnN;
        max = mxN;
      } else {
        min = mnN !== Infinity && (mn === undefined || mnN < mn) ? mnN : mn;
        max = mxN !== -Infinity && (mx === undefined || mxN > mx) ? mxN : mx;
      }
    }
  } else if (physical === 'DOUBLE' || physical === 'FLOAT') {
    const out = physical === 'DOUBLE' ? new Float64Array(n) : new Float32Array(n);
    let mn = Infinity, mx = -Infinity, nan = false;
    for (let k = lo; k < hi; k++) {
      const v = c[idx ? idx[k] : k];
      if (v == null) {
        missing(k);
        continue;
      }
      if (def) def[k - lo] = 1;
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
    for (let k = lo; k < hi; k++) {
      const v = c[idx ? idx[k] : k];
      if (v == null) {
        missing(k);
        continue;
      }
      if (def) def[k - lo] = 1;
      if (typeof v !== 'boolean') throw new DeltaSchemaError(`column '${name}': expected a boolean, got ${show(v)}`);
      out[count++] = v ? 1 : 0;
    }
    values = out.subarray(0, count);
  } else if (physical === 'BYTE_ARRAY' && prim.kind === 'string') {
    const out: string[] = new Array(n);
    // Dictionary while repetitive (symbols of a day are not; lineage enums are): at most n/2 entries.
    // A chunk proven to hold limit + 1 distinct values would abandon it: none is built, and
    // min/max are the sorted runs' that proved it (symbols of a day come in a few sorted runs).
    const limit = Math.min(65_536, n >> 1);
    const known = n >= 16 && provablyDistinct(c, idx, lo, hi, limit + 1);
    let map: Map<string, number> | undefined = n >= 16 && !known ? new Map() : undefined;
    const indexes = map ? new Int32Array(n) : undefined;
    let mn: string | undefined = known ? distinctRange.min : undefined;
    let mx: string | undefined = known ? distinctRange.max : undefined;
    // The previous value and its index: repetitive columns come in runs (a lineage column is
    // mostly one source), which skip the Map and the min/max comparisons.
    let prev: string | undefined;
    let prevIndex = 0;
    for (let k = lo; k < hi; k++) {
      const v = c[idx ? idx[k] : k];
      if (v == null) {
        missing(k);
        continue;
      }
      if (def) def[k - lo] = 1;
      if (v === prev) {
        if (map) indexes![count] = prevIndex;
        out[count++] = prev;
        continue;
      }
      if (typeof v !== 'string') throw new DeltaSchemaError(`column '${name}': expected a string, got ${show(v)}`);
      prev = v;
      if (map) {
        let d = map.get(v);
        if (d === undefined) {
          d = map.size;
          if (d >= limit) map = undefined;
          else map.set(v, d);
        }
        indexes![count] = prevIndex = d;
      }
      out[count++] = v;
      // UTF-16 order; corrected below in the rare case it can differ from UTF-8 byte order.
      if (known) continue;
      if (mn === undefined || v < mn) mn = v;
      if (mx === undefined || v > mx) mx = v;
    }
    out.length = count;
    values = out;
    if (map) dict = { entries: [...map.keys()], size: map.size, indexes: indexes!.subarray(0, count) };
    if (mn !== undefined) {
      // UTF-16 and UTF-8 orders differ only around surrogates (U+D800..): check once, not per value.
      const distinct = dict ? (dict.entries as string[]) : out;
      text = distinct.join('');
      if (SURROGATE.test(text)) {
        mn = mx = distinct[0];
        for (const v of distinct) {
          if (lessUtf8(v, mn)) mn = v;
          if (lessUtf8(mx!, v)) mx = v;
        }
      }
      min = enc.encode(mn);
      max = enc.encode(mx!);
    }
  } else if (physical === 'BYTE_ARRAY') {
    const out: Uint8Array[] = [];
    let mnB: Uint8Array | undefined, mxB: Uint8Array | undefined;
    for (let k = lo; k < hi; k++) {
      const v = c[idx ? idx[k] : k];
      if (v == null) {
        missing(k);
        continue;
      }
      if (def) def[k - lo] = 1;
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
    const { precision, scale } = prim as Required<Prim>;
    // Min/max of number inputs are tracked on the numbers themselves (the decimal of a number is
    // a monotonic function of it) and converted once at the end; other inputs by unscaled value.
    let mnV = Infinity, mxV = -Infinity;
    let mn: number | bigint | undefined, mx: number | bigint | undefined;
    for (let k = lo; k < hi; k++) {
      const v = c[idx ? idx[k] : k];
      if (v == null) {
        missing(k);
        continue;
      }
      if (def) def[k - lo] = 1;
      if (typeof v === 'number' && writeDecimalNumber(out, count * w, w, v, precision, scale)) {
        if (v < mnV) mnV = v;
        if (v > mxV) mxV = v;
      } else {
        const u = toUnscaledFast(v, precision, scale, name);
        if (typeof u === 'number') writeBigEndianNumber(out, count * w, w, u);
        else writeBigEndian(out, count * w, w, u);
        if (mn === undefined || u < mn) mn = u;
        if (mx === undefined || u > mx) mx = u;
      }
      count++;
    }
    if (mnV !== Infinity) {
      // `|| 0` turns an unscaled -0 (e.g. of -5e-324) into 0, as the text path has it.
      const a = toUnscaledFast(mnV, precision, scale, name) || 0;
      const b = toUnscaledFast(mxV, precision, scale, name) || 0;
      if (mn === undefined || a < mn) mn = a;
      if (mx === undefined || b > mx) mx = b;
    }
    values = out.subarray(0, count * w);
    min = mn;
    max = mx;
  }
  if (physical === 'INT32' || physical === 'INT64' || physical === 'DOUBLE' || physical === 'FLOAT') {
    const v = values as Int32Array | Uint8Array | Float64Array | Float32Array;
    const per = physical === 'INT64' || physical === 'DOUBLE' ? 2 : 1;
    dict = numericDictionary(new Int32Array(v.buffer, v.byteOffset, count * per), per, count);
  }
  return { spec, physical, typeLength, values, dict, count, def, nullCount: n - count, min, max, text };
}

/**
 * Dictionary of a numeric column's values (compared by bits, `per` 32-bit words each), or
 * undefined when it is not repetitive: more distinct values than a quarter of the values (prices,
 * volumes) are PLAIN. Like arrow-rs (delta-rs), repetitive numbers get a dictionary page: smaller
 * pages, and readers convert each distinct value once (e.g. one Date per distinct timestamp).
 * Open addressing over the words: no Map, no boxing; a high-cardinality column gives up early.
 */
function numericDictionary(words: Int32Array, per: 1 | 2, count: number): PhysColumn['dict'] {
  const limit = count >> 2;
  if (count < 64 || limit < 1) return undefined;
  const probe = Math.min(511, count - 1); // prices, volumes: mostly distinct from the start
  let bits = 4;
  while (1 << bits < 4 * limit) bits++;
  const mask = (1 << bits) - 1;
  // Scratch tables, reused: most numeric chunks give up at the probe, and three fresh typed
  // arrays per chunk were ~3% of a write. The result is copied out of them.
  if (scratch.slots.length < 1 << bits) scratch.slots = new Int32Array(1 << bits);
  if (scratch.entries.length < limit * per) scratch.entries = new Int32Array(limit * per);
  if (scratch.indexes.length < count) scratch.indexes = new Int32Array(count);
  const { slots, entries, indexes } = scratch;
  slots.fill(0, 0, 1 << bits); // entry + 1, 0 = empty
  let size = 0;
  for (let i = 0; i < count; i++) {
    const a = words[i * per];
    const b = per === 2 ? words[i * per + 1] : 0;
    let h = (Math.imul(a ^ Math.imul(b, 0x85ebca6b), 0x9e3779b1) >>> (32 - bits)) & mask;
    let e: number;
    for (;;) {
      e = slots[h] - 1;
      if (e < 0) {
        if (size >= limit) return undefined;
        e = size++;
        slots[h] = e + 1;
        entries[e * per] = a;
        if (per === 2) entries[e * per + 1] = b;
        break;
      }
      if (entries[e * per] === a && (per === 1 || entries[e * per + 1] === b)) break;
      h = (h + 1) & mask;
    }
    indexes[i] = e;
    if (i === probe && size > (probe * 3) >> 2) return undefined;
  }
  return { entries: new Uint8Array(entries.slice(0, size * per).buffer), size, indexes: indexes.slice(0, count) };
}

const scratch = { slots: new Int32Array(0), entries: new Int32Array(0), indexes: new Int32Array(0) };

const SURROGATE = /[\ud800-\udfff]/;

function lessUtf8(a: string, b: string): boolean {
  if (a === b) return false;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b;
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
}

const TWO32 = 4294967296;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Writes the decimal(p,s) of a JS number as `w`-byte big-endian two's complement without BigInt,
 * giving exactly {@link toUnscaled}'s result: the rounded product while it is a safe integer
 * (wide columns such as turnover), else its text rule: reasoned out without the text for large
 * values (market values; decimal.ts), or the number's shortest text when it has at most `s`
 * fraction digits. Returns false to leave anything else (rounding of text, exponents, out of
 * range) to the exact general path, which also reports errors.
 */
function writeDecimalNumber(out: Uint8Array, at: number, w: number, v: number, precision: number, scale: number): boolean {
  if (scale > 22 || !Number.isFinite(v)) return false;
  const x = v * POW10[scale];
  const r = Math.round(x);
  // toUnscaled's own number rule (a product far from a tie, below 2^52).
  if (Math.abs(x - r) + Math.abs(x) * 4.5e-16 < 0.5 && Math.abs(r) < 2 ** 52) {
    if (precision <= 15 && Math.abs(r) >= POW10[precision]) return false;
    writeBigEndianNumber(out, at, w, r);
    return true;
  }
  const neg = v < 0;
  let hi = 0, lo = 0;
  if (splitUnscaled(neg ? -v : v, scale)) {
    // Its text rule without the text (decimal.ts): whole·10^s + offset, exact while safe.
    const u = split.whole * POW10[scale] + split.offset;
    if (u <= 9007199254740991) {
      if (precision <= 15 && u >= POW10[precision]) return false;
      writeBigEndianNumber(out, at, w, neg ? -u : u);
      return true;
    }
    // Beyond 2^53: as hi·10^9 + lo (s ≤ 8).
    const d9 = POW10[9 - scale];
    hi = Math.floor(split.whole / d9);
    let rest = split.whole - hi * d9;
    if (rest < 0) {
      hi--;
      rest += d9;
    }
    lo = rest * POW10[scale] + split.offset;
    if (lo >= 1e9) {
      hi++;
      lo -= 1e9;
    }
    // |u| ≥ 10^p (the general path reports it); 10^(p-9) beyond 2^53 cannot be reached.
    if (precision >= 9 && precision - 9 <= 22 && hi >= POW10[precision - 9]) return false;
  } else {
    // Its text rule, for texts needing no rounding: |value| = hi·10^9 + lo, digit by digit.
    const t = String(v);
    let frac = -1, digits = 0;
    for (let i = neg ? 1 : 0; i < t.length; i++) {
      const ch = t.charCodeAt(i);
      if (ch === 46) {
        frac = 0;
        continue;
      }
      const d = ch - 48;
      if (d < 0 || d > 9) return false; // an exponent
      if (frac >= 0) frac++;
      if (hi || lo || d) digits++; // significant digits: leading zeros only while hi = lo = 0
      const l10 = lo * 10 + d;
      const carry = Math.floor(l10 / 1e9);
      lo = l10 - carry * 1e9;
      hi = hi * 10 + carry;
    }
    if (frac > scale) return false;
    for (let k = Math.max(frac, 0); k < scale; k++) {
      const l10 = lo * 10;
      const carry = Math.floor(l10 / 1e9);
      lo = l10 - carry * 1e9;
      hi = hi * 10 + carry;
      if (hi || lo) digits++;
    }
    if (digits > precision || hi >= 2 ** 53) return false;
  }
  writeHiLo(out, at, w, neg, hi, lo);
  return true;
}

/**
 * `w` big-endian two's-complement bytes of ±(hi·10^9 + lo), hi < 2^53, 0 ≤ lo < 10^9, in
 * base-2^16 limbs (products stay below 2^53), two bytes per limb; a negative value is inverted
 * and incremented on the way.
 */
function writeHiLo(out: Uint8Array, at: number, w: number, neg: boolean, hi: number, lo: number): void {
  let carry = lo;
  let add = neg ? 1 : 0;
  // Remainders by subtraction: `%` on doubles beyond int32 is a slow fmod call.
  for (let k = 0, h = hi; k < w; k += 2) {
    const hq = Math.floor(h / 65536);
    const tt = (h - hq * 65536) * 1e9 + carry;
    h = hq;
    carry = Math.floor(tt / 65536);
    const limb = tt - carry * 65536;
    for (let b = 0; b < 2 && k + b < w; b++) {
      let byte = b ? limb >>> 8 : limb & 255;
      if (neg) {
        byte = (~byte & 255) + add;
        add = byte >> 8;
        byte &= 255;
      }
      out[at + w - 1 - k - b] = byte;
    }
  }
}

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

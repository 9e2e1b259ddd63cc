/**
 * Value representation at the Argus ↔ Delta boundary (documented in docs/delta.md):
 * - date ↔ `'YYYY-MM-DD'` string (a `Date` is accepted and read as its UTC day);
 * - timestamp / timestamp_ntz ↔ `Date` (an ISO string is accepted; stored as microseconds);
 * - long ↔ number when safe, else bigint (both accepted);
 * - decimal(p,s): number | string | bigint accepted, stored exactly (round half-even to `s`),
 *   returned as a number by default or as an exact string with `{ decimals: 'string' }`.
 */
import type { DeltaType } from './types.ts';
import { DeltaSchemaError } from './types.ts';
import { split, splitUnscaled } from './parquet/decimal.ts';

export type PrimKind =
  | 'string' | 'long' | 'integer' | 'short' | 'byte' | 'float' | 'double'
  | 'boolean' | 'binary' | 'date' | 'timestamp' | 'timestamp_ntz' | 'decimal';

export interface Prim {
  kind: PrimKind;
  precision?: number;
  scale?: number;
}

const PRIMS = new Set<string>([
  'string', 'long', 'integer', 'short', 'byte', 'float', 'double', 'boolean', 'binary', 'date', 'timestamp', 'timestamp_ntz',
]);

/** The primitive behind a Delta type name; throws for complex types (data files are flat). */
export function primOf(type: DeltaType, column = '?'): Prim {
  if (typeof type !== 'string') throw new DeltaSchemaError(`column '${column}': complex type ${type.type} is not supported for writing`);
  if (PRIMS.has(type)) return { kind: type as PrimKind };
  const m = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
  if (m) {
    const precision = Number(m[1]);
    const scale = Number(m[2]);
    if (precision < 1 || precision > 38 || scale > precision) {
      throw new DeltaSchemaError(`column '${column}': invalid ${type} (need 1 ≤ p ≤ 38 and s ≤ p)`);
    }
    return { kind: 'decimal', precision, scale };
  }
  throw new DeltaSchemaError(`column '${column}': unknown type '${type}'`);
}

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayCache = new Map<string, number>();

/** Days since 1970-01-01 of `'YYYY-MM-DD'` (or a Date's UTC day). */
export function toDays(v: unknown, column: string): number {
  if (typeof v === 'string') {
    const hit = dayCache.get(v);
    if (hit !== undefined) return hit;
    const m = DATE_RE.exec(v);
    if (m) {
      const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
      const d = new Date(ms);
      if (d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1) {
        if (dayCache.size > 100_000) dayCache.clear();
        dayCache.set(v, ms / DAY_MS);
        return ms / DAY_MS;
      }
    }
  } else if (v instanceof Date && !Number.isNaN(v.getTime())) {
    return Math.floor(v.getTime() / DAY_MS);
  }
  throw new DeltaSchemaError(`column '${column}': expected a date 'YYYY-MM-DD', got ${show(v)}`);
}

const dateStrCache = new Map<number, string>();
/** `'YYYY-MM-DD'` of days since the epoch. */
export function fromDays(days: number): string {
  let s = dateStrCache.get(days);
  if (s === undefined) {
    s = new Date(days * DAY_MS).toISOString().slice(0, 10);
    if (dateStrCache.size > 100_000) dateStrCache.clear();
    dateStrCache.set(days, s);
  }
  return s;
}

const ISO_FRAC = /\.(\d+)(?=Z|[+-]\d\d:?\d\d$|$)/;
/** Microseconds since the epoch of a Date or an ISO string (sub-millisecond digits kept for strings). */
export function toMicros(v: unknown, column: string): bigint {
  if (v instanceof Date) {
    const t = v.getTime();
    if (!Number.isNaN(t)) return BigInt(t) * 1000n;
  } else if (typeof v === 'string') {
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || !v.includes('T') && !v.includes(' ') ? v : v.replace(' ', 'T') + 'Z');
    if (!Number.isNaN(t)) {
      const frac = ISO_FRAC.exec(v)?.[1] ?? '';
      const extra = frac.length > 3 ? Number(frac.slice(3, 6).padEnd(3, '0')) : 0;
      return BigInt(t) * 1000n + BigInt(extra);
    }
  }
  throw new DeltaSchemaError(`column '${column}': expected a timestamp (Date or ISO string), got ${show(v)}`);
}

/** A Date of microseconds since the epoch (sub-millisecond digits are dropped). */
export function fromMicros(us: bigint): Date {
  return new Date(Number(us / 1000n) - (us % 1000n < 0n ? 1 : 0));
}

/** ISO text with six fraction digits, as kernel writes stats and partition values. */
export function microsToIso(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  const rest = us - ms * 1000n;
  const base = new Date(Number(ms)).toISOString(); // ...SS.mmmZ
  return `${base.slice(0, 23)}${rest.toString().padStart(3, '0')}Z`;
}

const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;
/** A long as bigint; accepts safe integers and bigints. */
export function toLong(v: unknown, column: string, bits = 64): bigint {
  let b: bigint | undefined;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  if (b === undefined) throw new DeltaSchemaError(`column '${column}': expected an integer, got ${show(v)}`);
  const lo = bits === 64 ? MIN_LONG : -(2n ** BigInt(bits - 1));
  const hi = bits === 64 ? MAX_LONG : 2n ** BigInt(bits - 1) - 1n;
  if (b < lo || b > hi) throw new DeltaSchemaError(`column '${column}': ${b} is out of range for a ${bits}-bit integer`);
  return b;
}

/** A long read back: number when safe, else bigint. */
export function fromLong(b: bigint): number | bigint {
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

const POW10 = Array.from({ length: 39 }, (_, i) => 10n ** BigInt(i));
const POW10N = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The unscaled value of a decimal at `scale`, rounded half-even; checks the precision.
 * @example toUnscaled('1.23456', 18, 4, 'close') // 12346n
 */
export function toUnscaled(v: unknown, precision: number, scale: number, column: string): bigint {
  let u: bigint;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new DeltaSchemaError(`column '${column}': ${v} is not a valid decimal(${precision},${scale})`);
    const x = v * POW10N[Math.min(scale, 22)];
    const r = Math.round(x);
    // Far from a tie and exactly representable: the float's shortest decimal rounds the same way.
    // x is within |x|·2^-52 of the shortest decimal × 10^s (two roundings), hence the margin;
    // nearer a tie (e.g. 21160522027.09675 at scale 4) only the text decides.
    if (scale <= 22 && Math.abs(x - r) + Math.abs(x) * 4.5e-16 < 0.5 && Math.abs(r) < 2 ** 52) u = BigInt(r);
    else u = decimalTextToUnscaled(String(v), scale, column);
  } else if (typeof v === 'bigint') {
    u = v * POW10[scale];
  } else if (typeof v === 'string') {
    u = decimalTextToUnscaled(v.trim(), scale, column);
  } else {
    throw new DeltaSchemaError(`column '${column}': expected a decimal (number, string or bigint), got ${show(v)}`);
  }
  if ((u < 0n ? -u : u) >= POW10[precision]) {
    throw new DeltaSchemaError(`column '${column}': ${show(v)} does not fit decimal(${precision},${scale})`);
  }
  return u;
}

/**
 * Like {@link toUnscaled} but returns a plain number when the unscaled value is a safe integer
 * (the common case), avoiding a BigInt per value on the hot write path, and finds the decimal of a
 * large number without printing it ({@link splitUnscaled}); the result is always toUnscaled's.
 * @example toUnscaledFast(812345678901.2345, 24, 4, 'total_mv') // 8123456789012345
 */
export function toUnscaledFast(v: unknown, precision: number, scale: number, column: string): number | bigint {
  if (typeof v === 'number' && scale <= 22 && Number.isFinite(v)) {
    const x = v * POW10N[scale];
    const r = Math.round(x);
    // x is within |x|·2^-51 of the exact decimal × 10^s; if r is still strictly nearest, it is the rounding.
    if (Math.abs(x - r) + Math.abs(x) * 4.5e-16 < 0.5 && Math.abs(r) <= 9007199254740991) {
      if (precision <= 15 ? Math.abs(r) >= POW10N[precision] : false) {
        throw new DeltaSchemaError(`column '${column}': ${show(v)} does not fit decimal(${precision},${scale})`);
      }
      return r;
    }
    const big = largeUnscaled(v, precision, scale);
    if (big !== undefined) return big;
  }
  const u = toUnscaled(v, precision, scale, column);
  return u >= -9007199254740991n && u <= 9007199254740991n ? Number(u) : u;
}

/**
 * The text rule without the text for large values (v·10^s beyond ~2^50, e.g. 8e11 at scale 4),
 * or undefined (not decidable cheaply, or too wide: toUnscaled reports it). A function of its
 * own so that toUnscaledFast stays small enough to be inlined into the column loops.
 */
function largeUnscaled(v: number, precision: number, scale: number): number | bigint | undefined {
  if (!splitUnscaled(v < 0 ? -v : v, scale)) return undefined;
  const r = split.whole * POW10N[scale] + split.offset; // exact while safe (else ≥ 2^53)
  if (r <= 9007199254740991) {
    if (precision > 15 || r < POW10N[precision]) return v < 0 ? -r : r;
  } else {
    const u = BigInt(split.whole) * POW10[scale] + BigInt(split.offset);
    if (u < POW10[precision]) return v < 0 ? -u : u;
  }
  return undefined;
}

const DEC_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
function decimalTextToUnscaled(text: string, scale: number, column: string): bigint {
  const m = DEC_RE.exec(text);
  if (!m || (!m[2] && !m[3])) throw new DeltaSchemaError(`column '${column}': '${text}' is not a decimal number`);
  const neg = m[1] === '-';
  let digits = (m[2] ?? '') + (m[3] ?? '');
  // value = digits × 10^(exp - fracLen); we want digits × 10^(exp - fracLen + scale)
  const shift = Number(m[4] ?? 0) - (m[3]?.length ?? 0) + scale;
  let u: bigint;
  if (shift >= 0) u = BigInt(digits + '0'.repeat(shift));
  else {
    const cut = -shift;
    if (cut > digits.length) digits = digits.padStart(cut, '0');
    const keep = BigInt(digits.slice(0, digits.length - cut) || '0');
    const dropped = digits.slice(digits.length - cut);
    const half = '5' + '0'.repeat(cut - 1);
    const cmp = dropped === half ? 0 : dropped > half ? 1 : -1;
    u = cmp > 0 || (cmp === 0 && keep % 2n === 1n) ? keep + 1n : keep;
  }
  return neg ? -u : u;
}

/** Exact text of an unscaled decimal with exactly `scale` fraction digits, e.g. `12.3400`. */
export function unscaledToText(u: bigint, scale: number): string {
  if (scale === 0) return u.toString();
  const neg = u < 0n;
  const s = (neg ? -u : u).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
}

/** A short, safe rendering of a value for error messages. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  return `${typeof v} ${String(v)}`;
}

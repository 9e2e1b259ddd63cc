/**
 * Partition values (P §Partition Value Serialization; kernel `partition/mod.rs`):
 * value → string, string → safe directory segment, directory → `add.path`.
 */
import type { Prim } from './values.ts';
import { fromDays, fromLong, fromMicros, microsToIso, toDays, toLong, toMicros, toUnscaled, unscaledToText } from './values.ts';
import { DeltaSchemaError } from './types.ts';

/** The protocol string of a partition value; null for null or empty. */
export function partitionValueString(v: unknown, prim: Prim, column: string): string | null {
  if (v === null || v === undefined || v === '') return null;
  switch (prim.kind) {
    case 'string':
      if (typeof v !== 'string') throw new DeltaSchemaError(`column '${column}': expected a string, got ${typeof v}`);
      return v;
    case 'date':
      return fromDays(toDays(v, column));
    case 'timestamp':
      return microsToIso(toMicros(v, column));
    case 'timestamp_ntz':
      return microsToIso(toMicros(v, column)).replace('T', ' ').replace('Z', '');
    case 'decimal':
      return unscaledToText(toUnscaled(v, prim.precision!, prim.scale!, column), prim.scale!);
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return toLong(v, column).toString();
    case 'boolean':
      if (typeof v !== 'boolean') throw new DeltaSchemaError(`column '${column}': expected a boolean, got ${typeof v}`);
      return String(v);
    case 'double':
    case 'float': {
      if (typeof v !== 'number') throw new DeltaSchemaError(`column '${column}': expected a number, got ${typeof v}`);
      if (Number.isNaN(v)) return 'NaN';
      if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
      return Number.isInteger(v) ? v.toFixed(1) : String(v); // Java style: 1.0
    }
    default:
      throw new DeltaSchemaError(`column '${column}': ${prim.kind} cannot be a partition column`);
  }
}

/** The JS value of a partition string (inverse of {@link partitionValueString}). */
export function parsePartitionValue(s: string | null | undefined, prim: Prim, opts: { decimals?: 'number' | 'string' } = {}): unknown {
  if (s === null || s === undefined) return null;
  switch (prim.kind) {
    case 'string':
      return s;
    case 'date':
      return fromDays(toDays(s, 'partition'));
    case 'timestamp':
    case 'timestamp_ntz':
      // delta-rs writes UTC without a zone ('2024-06-15 19:30:45.000000'); read the bare form as UTC.
      return fromMicros(toMicros(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : s.replace(' ', 'T') + 'Z', 'partition'));
    case 'decimal': {
      const text = unscaledToText(toUnscaled(s, 38, prim.scale!, 'partition'), prim.scale!);
      return opts.decimals === 'string' ? text : Number(text);
    }
    case 'long':
      return fromLong(BigInt(s));
    case 'integer':
    case 'short':
    case 'byte':
      return Number(s);
    case 'boolean':
      return s === 'true';
    case 'double':
    case 'float':
      return Number(s);
    default:
      return s;
  }
}

const SAFE = /^[A-Za-z0-9._-]*$/;
/** `%`-escapes every UTF-8 byte outside `[A-Za-z0-9._-]` (uppercase hex). */
export function escapeSegment(s: string): string {
  if (SAFE.test(s)) return s;
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9._-]/.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';

/** The on-disk directory of a partition, e.g. `trade_date=2024-01-02/s=a%3Ab`. */
export function partitionDir(columns: readonly string[], values: Record<string, string | null>): string {
  return columns.map((c) => `${escapeSegment(c)}=${values[c] === null ? HIVE_NULL : escapeSegment(values[c]!)}`).join('/');
}

/** `add.path` for an on-disk relative path: one URI decode must give the file, so only `%` needs encoding. */
export function encodeAddPath(diskPath: string): string {
  return diskPath.replaceAll('%', '%25');
}

/** The on-disk relative (or absolute) path for an `add.path` written by any writer. */
export function decodeAddPath(path: string): string {
  let p = path;
  if (p.startsWith('file://')) p = new URL(p).pathname;
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/**
 * Numeric and null handling for Bronze: numbers arrive as JSON numbers, numeric strings or the
 * sources' null spellings; unit factors (手 → shares ×100, 千元 → yuan ×1000, 万元 ×10000) are
 * applied without binary noise (39354.45 × 100 is 3935445, not 3935444.9999999995).
 *
 * @example
 * toNumber('12.5');         // 12.5
 * toNumber('');             // null
 * scaled(39354.45, 100);    // 3935445
 */

/** Spellings that mean "no value" (pandas/Python exports, Tushare, blank cells). */
const NULLS = new Set(['', 'null', 'none', 'nan', 'n/a', 'na', '--', '-']);

export function isNullish(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'number') return Number.isNaN(v);
  // Every null spelling is short: skip the trim/lower-case allocation for ordinary text.
  return typeof v === 'string' && v.length <= 8 && NULLS.has(v.trim().toLowerCase());
}

/** A finite number or null; throws for anything else (text, Infinity, objects). */
export function toNumber(v: unknown): number | null {
  if (isNullish(v)) return null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${v} is not a finite number`);
    return v;
  }
  if (typeof v === 'string') {
    const s = v.trim().replace(/,/g, '');
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
    throw new Error(`${JSON.stringify(v)} is not a number`);
  }
  if (typeof v === 'boolean') throw new Error(`${v} is a boolean, not a number`);
  throw new Error(`expected a number, got ${typeof v}`);
}

/** `x × factor`, rounded to 15 significant digits so decimal inputs stay decimal. */
export function scaled(x: number, factor: number): number {
  if (factor === 1) return x;
  const r = x * factor;
  // Fast path (most unit conversions land on whole shares/yuan): within float noise of an integer.
  const i = Math.round(r);
  if (Math.abs(r - i) <= Math.abs(r) * 1e-14) return i;
  return Number(r.toPrecision(15));
}

/** An integer, allowing float noise below 1e-6 (after scaling); throws otherwise. */
export function toInteger(x: number): number {
  const r = Math.round(x);
  if (Math.abs(r - x) > 1e-6) throw new Error(`${x} is not a whole number`);
  if (!Number.isSafeInteger(r)) throw new Error(`${x} exceeds the safe integer range`);
  return r;
}

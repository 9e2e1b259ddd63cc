/**
 * Per-value converters of the normalisation rules, one per field rule: type, unit factor, bounds
 * and enum. Each returns the typed value or `null` (for an empty input) and throws a message that
 * says what is wrong; the column loop (columns.ts) adds the field name and source field.
 *
 * @example
 * converter({ type: 'integer', scale: 100, min: 0 })(39354.45); // 3935445
 */
import { toIsoDate } from './dates.ts';
import type { FieldRule } from './rules.ts';
import { toSymbol } from './symbols.ts';
import { scaled, toInteger, toNumber } from './values.ts';

export type Convert = (v: unknown) => unknown;

/**
 * Caches a pure string/number conversion: a batch repeats few distinct symbols and dates, and
 * the regex work dominates normalisation otherwise. Bounded; errors are not cached.
 */
function memo(fn: (v: unknown) => string, max = 50_000): Convert {
  const cache = new Map<unknown, string>();
  return (v) => {
    if (typeof v !== 'string' && typeof v !== 'number') return fn(v);
    let out = cache.get(v);
    if (out === undefined) {
      out = fn(v);
      if (cache.size >= max) cache.clear();
      cache.set(v, out);
    }
    return out;
  };
}

export function converter(rule: FieldRule): Convert {
  const scale = rule.scale ?? 1;
  const bounded = (x: number): number => {
    if (rule.min !== undefined && x < rule.min) throw new Error(`${x} is below the minimum ${rule.min}`);
    if (rule.max !== undefined && x > rule.max) throw new Error(`${x} is above the maximum ${rule.max}`);
    return x;
  };
  switch (rule.type) {
    case 'date':
      return memo(toIsoDate);
    case 'symbol':
      return memo(toSymbol);
    case 'number':
      return (v) => {
        const n = toNumber(v);
        return n === null ? null : bounded(scaled(n, scale));
      };
    case 'integer':
      return (v) => {
        const n = toNumber(v);
        return n === null ? null : bounded(toInteger(scaled(n, scale)));
      };
    case 'string':
      return (v) => {
        const s =
          typeof v === 'string'
            ? v.trim()
            : typeof v === 'number' || typeof v === 'boolean'
              ? String(v)
              : undefined;
        if (s === undefined) throw new Error(`expected text, got ${typeof v}`);
        if (rule.enum && !rule.enum.includes(s))
          throw new Error(`${JSON.stringify(s)} is not one of ${rule.enum.join(', ')}`);
        return s;
      };
    case 'boolean':
      return (v) => {
        if (typeof v === 'boolean') return v;
        if (v === 1 || v === '1' || v === 'true' || v === 'Y') return true;
        if (v === 0 || v === '0' || v === 'false' || v === 'N') return false;
        throw new Error(`${JSON.stringify(v)} is not a boolean`);
      };
    case 'timestamp': {
      // The rows of one event share its fetched_at: remembering the last conversion skips the
      // Date parse + format (~1 µs, a quarter of a row's normalisation) for all but the first.
      let lastIn: unknown;
      let lastOut = '';
      return (v) => {
        if (v === lastIn) return lastOut;
        const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
        if (!Number.isFinite(ms)) throw new Error(`${JSON.stringify(v)} is not a timestamp`);
        lastOut = new Date(ms).toISOString();
        lastIn = v;
        return lastOut;
      };
    }
  }
}

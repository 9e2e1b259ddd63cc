/**
 * Numeric columns as `Float64Array`s, so the quality checks loop over one array type (a loop that
 * sees plain arrays and typed arrays alike is several times slower in V8).
 */
import { num } from './num.ts';

/**
 * The values of a column as numbers, read as {@link num} reads them: a value is present when it
 * is finite, so `NaN` stands for missing (null, undefined, '', 'abc', ±Infinity). A `Float64Array`
 * column is returned as it is, not copied (its non-finite values are missing alike); an absent
 * column is all missing.
 * @example numbers([1, '2.5', null, 3n], 4) // Float64Array [1, 2.5, NaN, 3]
 */
export function numbers(values: ArrayLike<unknown> | undefined, n: number): Float64Array {
  if (values instanceof Float64Array) return values;
  const out = new Float64Array(n).fill(NaN);
  if (values) for (let i = 0; i < n; i++) out[i] = num(values[i]) ?? NaN;
  return out;
}

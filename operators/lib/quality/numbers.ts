/**
 * Numeric columns as `Float64Array`s, so the quality checks loop over one array type (a loop that
 * sees plain arrays and typed arrays alike is several times slower in V8).
 */
import { num } from './num.ts';

// Columns are immutable (tables are shared between batches), so a conversion can be reused by
// every check that reads the same column (e.g. `high` by the volatility index and the K-line rules).
const converted = new WeakMap<ArrayLike<unknown>, Float64Array>();

/**
 * The values of a column as numbers, read as {@link num} reads them: a value is present when it
 * is finite, so `NaN` stands for missing (null, undefined, '', 'abc', ±Infinity). A `Float64Array`
 * column is returned as it is (its non-finite values are missing alike); an absent column is all
 * missing.
 * @example numbers([1, '2.5', null, 3n]) // Float64Array [1, 2.5, NaN, 3]
 */
export function numbers(values: ArrayLike<unknown> | undefined, n: number): Float64Array {
  if (values instanceof Float64Array) return values;
  if (!values) return new Float64Array(n).fill(NaN);
  let out = converted.get(values);
  if (!out) {
    out = new Float64Array(values.length);
    for (let i = 0; i < out.length; i++) out[i] = num(values[i]) ?? NaN;
    converted.set(values, out);
  }
  return out;
}

/**
 * A cheap proof that a string column chunk has many distinct values, so the writer can skip the
 * dictionary it would build and then abandon (a Map of up to n/2 entries per chunk: most of the
 * cost of a symbol column, whose values are distinct within a trade date).
 */

/** After {@link provablyDistinct} returned true: the least and greatest value (UTF-16 order). */
export const distinctRange = { min: '', max: '' };

/** Runs beyond this many mean "not sorted in a few runs": give up (repetitive columns do at once). */
const MAX_RUNS = 16;

/**
 * True when the non-null values `c[idx[k]]` (or `c[k]`), k in [lo, hi), are provably at least
 * `need` distinct strings: they form at most 16 strictly increasing runs whose [first, last]
 * ranges are pairwise disjoint, so every value is distinct; {@link distinctRange} then holds
 * their min and max (a run's first and last). False means "unknown" (also for a non-string
 * value: the caller's own loop reports it).
 * @example provablyDistinct(['a', 'b', 'x', 'y', 'c'], undefined, 0, 5, 5) // true: runs a..b..x..y and c
 */
export function provablyDistinct(c: ArrayLike<unknown>, idx: Int32Array | undefined, lo: number, hi: number, need: number): boolean {
  const firsts: string[] = [];
  const lasts: string[] = [];
  let prev: string | undefined;
  let count = 0;
  for (let k = lo; k < hi; k++) {
    const v = c[idx ? idx[k] : k];
    if (v == null) continue;
    if (typeof v !== 'string') return false;
    if (prev === undefined || !(v > prev)) {
      if (firsts.length === MAX_RUNS) return false;
      if (prev !== undefined) lasts.push(prev);
      firsts.push(v);
    }
    prev = v;
    count++;
  }
  if (prev === undefined || count < need) return false;
  lasts.push(prev);
  let min = firsts[0], max = lasts[0];
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) {
      if (!(lasts[i] < firsts[j] || lasts[j] < firsts[i])) return false;
    }
    if (firsts[i] < min) min = firsts[i];
    if (lasts[i] > max) max = lasts[i];
  }
  distinctRange.min = min;
  distinctRange.max = max;
  return true;
}

/**
 * One output column of a normalisation rule, computed over the rows the rule matched: per row the
 * first non-empty input column wins, its value is converted, and problems are collected per row
 * (in field order, so a rejected row lists everything wrong with it in the same order as before).
 *
 * Numeric fields are written to a `Float64Array` while they have no null (the usual case), which
 * keeps a 10,000-row batch's numbers out of the heap as boxed values; the first null switches the
 * column to a plain array. Either way the materialised records hold the same numbers and nulls.
 *
 * @example
 * const problems: (string[] | undefined)[] = [];
 * outputColumn(field, [input.column('vol')], rows, problems); // Float64Array of volumes
 */
import type { Convert } from './convert.ts';
import { isNullish } from './values.ts';

export interface ColumnField {
  name: string;
  from: string[];
  required: boolean;
  numeric: boolean;
  convert: Convert;
}

type Column = ArrayLike<unknown> | undefined;

/** Adds a problem to row `j` (rows without problems stay `undefined`: the list is sparse). */
export function addProblem(problems: (string[] | undefined)[], j: number, message: string): void {
  (problems[j] ??= []).push(message);
}

/**
 * The converted values of `f` for the input rows `rows` (indexes into `inputs`' columns, which
 * are `f.from` in order; a column the input lacks is `undefined`).
 */
export function outputColumn(
  f: ColumnField,
  inputs: readonly Column[],
  rows: ArrayLike<number>,
  problems: (string[] | undefined)[],
): Float64Array | unknown[] {
  const m = rows.length;
  let nums: Float64Array | undefined = f.numeric ? new Float64Array(m) : undefined;
  let vals: unknown[] | undefined = nums ? undefined : new Array<unknown>(m);
  const single = inputs.length === 1 ? inputs[0] : undefined;
  for (let j = 0; j < m; j++) {
    const r = rows[j];
    let v: unknown;
    let src = -1;
    if (single) {
      v = single[r];
      if (!isNullish(v)) src = 0;
    } else
      for (let k = 0; k < inputs.length; k++) {
        const c = inputs[k];
        if (!c) continue;
        v = c[r];
        if (!isNullish(v)) {
          src = k;
          break;
        }
      }
    let out: unknown = null;
    if (src < 0) {
      if (f.required) addProblem(problems, j, `${f.name}: missing (looked for ${f.from.join(', ')})`);
    } else
      try {
        out = f.convert(v);
        if (out === null && f.required)
          addProblem(problems, j, `${f.name}: missing (${f.from[src]} is empty)`);
      } catch (err) {
        const from = f.from[src] !== f.name ? ` (from ${f.from[src]})` : '';
        addProblem(problems, j, `${f.name}: ${(err as Error).message}${from}`);
        // The row is refused, so its value is never read: keep the column numeric.
        out = NaN;
      }
    if (nums) {
      if (typeof out === 'number') {
        nums[j] = out;
        continue;
      }
      // First non-number (null): the column holds nulls, so it becomes a plain array.
      vals = Array.from(nums.subarray(0, j)) as unknown[];
      vals.length = m;
      nums = undefined;
    }
    vals![j] = out !== out ? null : out; // NaN marks a refused row (see above)
  }
  return nums ?? vals!;
}

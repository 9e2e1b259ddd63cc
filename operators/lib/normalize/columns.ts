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
import { isNullish, scaled, toInteger } from './values.ts';

/** What a `number`/`integer` field does to a number: the same steps as its {@link Convert}. */
export interface NumericSpec {
  scale: number;
  integer: boolean;
  min?: number;
  max?: number;
}

export interface ColumnField {
  name: string;
  from: string[];
  required: boolean;
  numeric: boolean;
  convert: Convert;
  /** Set for number/integer fields: lets a Float64Array input skip the per-value `convert` call. */
  num?: NumericSpec;
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
  if (f.num && inputs.length === 1 && inputs[0] instanceof Float64Array)
    return numericColumn(f, f.num, inputs[0], rows, problems);
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

/**
 * A number as its field's converter makes it (finite check, unit factor, whole number, bounds),
 * taking and returning a plain double: small and monomorphic, so it is inlined into the loop below.
 */
function numberOf(x: number, s: NumericSpec): number {
  if (!Number.isFinite(x)) throw new Error(`${x} is not a finite number`);
  let y = scaled(x, s.scale);
  if (s.integer) y = toInteger(y);
  if (s.min !== undefined && y < s.min) throw new Error(`${y} is below the minimum ${s.min}`);
  if (s.max !== undefined && y > s.max) throw new Error(`${y} is above the maximum ${s.max}`);
  return y;
}

/**
 * {@link outputColumn} for a numeric field whose one input column is a `Float64Array` (explode
 * writes all-number fields that way): the same values, nulls and problems, without boxing each
 * double to pass it through the generic per-value converter (a 10,000-row batch's worth of
 * short-lived heap numbers per field).
 */
function numericColumn(
  f: ColumnField,
  s: NumericSpec,
  input: Float64Array,
  rows: ArrayLike<number>,
  problems: (string[] | undefined)[],
): Float64Array | unknown[] {
  const m = rows.length;
  const nums = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const x = input[rows[j]];
    if (x !== x) return outputColumnFrom(f, input, rows, problems, nums, j); // NaN: a null
    try {
      nums[j] = numberOf(x, s);
    } catch (err) {
      const from = f.from[0] !== f.name ? ` (from ${f.from[0]})` : '';
      addProblem(problems, j, `${f.name}: ${(err as Error).message}${from}`);
      nums[j] = NaN; // the row is refused, its value never read (as in outputColumn)
    }
  }
  return nums;
}

/**
 * Row `j0` is NaN (a null): the column becomes a plain array, exactly as {@link outputColumn} makes
 * it at its first null — rows before `j0` copied from `nums` as they are, the rest through the
 * generic loop (which turns refused rows into null), their problems added at their own rows.
 */
function outputColumnFrom(
  f: ColumnField,
  input: Float64Array,
  rows: ArrayLike<number>,
  problems: (string[] | undefined)[],
  nums: Float64Array,
  j0: number,
): unknown[] {
  const vals = Array.from(nums.subarray(0, j0)) as unknown[];
  vals.length = rows.length;
  const tail: (string[] | undefined)[] = [];
  const rest = outputColumn({ ...f, num: undefined }, [input], Array.prototype.slice.call(rows, j0), tail);
  for (let k = 0; k < rest.length; k++) {
    vals[j0 + k] = rest[k];
    for (const p of tail[k] ?? []) addProblem(problems, j0 + k, p);
  }
  return vals;
}

/**
 * Field validity checks (symbol and date format, numeric ranges, lineage enums), column by column
 * over one day's table, reporting which rule failed on which row (the rule-failure pie).
 */
import type { ColumnTable } from 'arquero';
import { column } from '../../../engine/api/index.ts';
import { numbers } from './numbers.ts';
import type { QualityPolicySpec } from './types.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ValidityResult {
  /** Per row: rules checked (format rules always; a range or enum only when the value is not null). */
  checked: Uint16Array;
  /** Per row: rules failed. */
  failed: Uint16Array;
}

export interface Validity {
  /** Rule ids in check order: symbol_format, trade_date_format, `<field>_range`…, `<field>_enum`…. */
  ids: string[];
  /** Checks every row; `hit(rule, row)` is called per failure with the index of the rule in `ids`. */
  check(t: ColumnTable, hit: (rule: number, row: number) => void): ValidityResult;
}

interface Range {
  field: string;
  id: string;
  /** Bounds with the policy's open ends as ±Infinity (a value must be finite anyway). */
  lo: number;
  hi: number;
  exclusiveLo: boolean;
}

/**
 * A validity checker for the policy's `validity` section, compiled once per policy.
 * @example
 * const v = compileValidity(policy.validity);
 * const { failed } = v.check(day, (rule, row) => console.log(v.ids[rule], row));
 */
export function compileValidity(v: QualityPolicySpec['validity']): Validity {
  const symbolPattern = new RegExp(v.symbol_pattern);
  const ranges: Range[] = Object.entries(v.ranges).map(([field, r]) => ({
    field,
    id: `${field}_range`,
    lo: r.min ?? -Infinity,
    hi: r.max ?? Infinity,
    exclusiveLo: r.exclusive_min === true,
  }));
  const enums = Object.entries(v.enums).map(([field, allowed]) => ({
    field,
    id: `${field}_enum`,
    allowed: new Set(allowed),
  }));
  const ids = ['symbol_format', 'trade_date_format', ...ranges.map((r) => r.id), ...enums.map((e) => e.id)];
  return {
    ids,
    check(t, hit) {
      const n = t.numRows();
      const checked = new Uint16Array(n).fill(2);
      const failed = new Uint16Array(n);
      const fail = (rule: number) => (i: number) => {
        failed[i]++;
        hit(rule, i);
      };
      checkFormat(column(t, 'symbol'), (s) => symbolPattern.test(s), n, fail(0));
      checkFormat(column(t, 'trade_date'), (s) => DATE.test(s), n, fail(1));
      ranges.forEach((r, k) => checkRange(column(t, r.field), r, n, checked, fail(2 + k)));
      enums.forEach((e, k) =>
        checkEnum(column(t, e.field), e.allowed, n, checked, fail(2 + ranges.length + k)),
      );
      return { checked, failed };
    },
  };
}

/** `test(String(value ?? ''))` per row; runs of equal values (a day's trade_date) are tested once. */
function checkFormat(
  values: ArrayLike<unknown> | undefined,
  test: (s: string) => boolean,
  n: number,
  fail: (row: number) => void,
): void {
  let last: unknown = {};
  let ok = false;
  for (let i = 0; i < n; i++) {
    const x = values?.[i];
    if (x !== last) ok = test(String((last = x) ?? ''));
    if (!ok) fail(i);
  }
}

/** Rows with a value (nullability is completeness's business) must hold a finite number in range. */
function checkRange(
  values: ArrayLike<unknown> | undefined,
  r: Range,
  n: number,
  checked: Uint16Array,
  fail: (row: number) => void,
): void {
  if (!values) return;
  const x = numbers(values, n);
  const typed = values instanceof Float64Array; // no nulls: every row is checked
  for (let i = 0; i < n; i++) {
    if (!typed && values[i] == null) continue;
    checked[i]++;
    const v = x[i];
    if (!(Number.isFinite(v) && (r.exclusiveLo ? v > r.lo : v >= r.lo) && v <= r.hi)) fail(i);
  }
}

/** Rows with a value must hold one of `allowed` (as a string); runs of equal values are looked up once. */
function checkEnum(
  values: ArrayLike<unknown> | undefined,
  allowed: ReadonlySet<string>,
  n: number,
  checked: Uint16Array,
  fail: (row: number) => void,
): void {
  if (!values) return;
  let last: unknown = {};
  let ok = false;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x == null) continue;
    checked[i]++;
    if (x !== last) ok = allowed.has(String((last = x)));
    if (!ok) fail(i);
  }
}

/**
 * K-line logic (DQ-ACC-01) and field validity checks, column by column over one day's table.
 * Both report which rule failed on which row, so failures can be counted by rule (the
 * dashboard's rule-failure pie).
 */
import type { ColumnTable } from 'arquero';
import { column } from '../../../engine/api/index.ts';
import { numbers } from './numbers.ts';
import type { QualityPolicySpec } from './types.ts';

/** K-line rule ids; bit `k` of {@link klineFailures}'s per-row mask is rule `k`. */
export const KLINE_RULES = ['high_ge_max', 'low_le_min', 'positive_prices'] as const;

/**
 * Per row, a bit mask of the failed K-line rules (0: the logic holds, or a price is missing —
 * missing prices are a completeness problem, not an accuracy one).
 * @example klineFailures(table({open: [10], high: [9], low: [8], close: [9]})) // Uint8Array [1] (high_ge_max)
 */
export function klineFailures(t: ColumnTable): Uint8Array {
  const n = t.numRows();
  const out = new Uint8Array(n);
  if (!['open', 'high', 'low', 'close'].every((f) => column(t, f))) return out;
  const [O, H, L, C] = ['open', 'high', 'low', 'close'].map((f) => numbers(column<unknown>(t, f), n));
  for (let i = 0; i < n; i++) {
    const open = O[i];
    const high = H[i];
    const low = L[i];
    const close = C[i];
    if (!(Number.isFinite(open) && Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close))) continue;
    let bits = 0;
    if (high < Math.max(open, close, low)) bits |= 1;
    if (low > Math.min(open, close)) bits |= 2;
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) bits |= 4;
    out[i] = bits;
  }
  return out;
}

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

/**
 * A validity checker for the policy's `validity` section (symbol/date format, numeric ranges,
 * lineage enums), compiled once per policy.
 */
export function compileValidity(v: QualityPolicySpec['validity']): Validity {
  const symbolPattern = new RegExp(v.symbol_pattern);
  const ranges = Object.entries(v.ranges).map(([field, r]) => ({ field, id: `${field}_range`, ...r }));
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
      const fail = (rule: number, i: number) => {
        failed[i]++;
        hit(rule, i);
      };
      const formats = [
        { values: column<unknown>(t, 'symbol'), test: (s: string) => symbolPattern.test(s) },
        { values: column<unknown>(t, 'trade_date'), test: (s: string) => DATE.test(s) },
      ];
      formats.forEach(({ values, test }, rule) => {
        // Runs of equal values (a day's trade_date) are tested once.
        let last: unknown = {};
        let ok = false;
        for (let i = 0; i < n; i++) {
          const x = values?.[i];
          if (x !== last) ok = test(String((last = x) ?? ''));
          if (!ok) fail(rule, i);
        }
      });
      ranges.forEach((range, k) => {
        const values = column<unknown>(t, range.field);
        if (!values) return;
        const x = numbers(values, n);
        const typed = values instanceof Float64Array; // no nulls: every row is checked
        for (let i = 0; i < n; i++) {
          if (!typed && values[i] == null) continue; // nullability is completeness's business
          checked[i]++;
          const ok =
            Number.isFinite(x[i]) &&
            (range.min === undefined || (range.exclusive_min ? x[i] > range.min : x[i] >= range.min)) &&
            (range.max === undefined || x[i] <= range.max);
          if (!ok) fail(2 + k, i);
        }
      });
      enums.forEach((e, k) => {
        const values = column<unknown>(t, e.field);
        if (!values) return;
        let last: unknown = {}; // lineage columns hold a few values in long runs
        let ok = false;
        for (let i = 0; i < n; i++) {
          const x = values[i];
          if (x == null) continue;
          checked[i]++;
          if (x !== last) ok = e.allowed.has(String((last = x)));
          if (!ok) fail(2 + ranges.length + k, i);
        }
      });
      return { checked, failed };
    },
  };
}

/**
 * K-line logic (DQ-ACC-01) and field validity checks on one row. Each returns the ids of the rules
 * that failed, so failures can be counted by rule (the dashboard's rule-failure pie).
 */
import type { Rec } from '../../../engine/api/index.ts';
import { num } from './num.ts';
import type { QualityPolicySpec } from './types.ts';

/**
 * @example klineFailures({open: 10, high: 9, low: 8, close: 9}) // ['high_ge_max']
 */
export function klineFailures(r: Rec): string[] {
  const [open, high, low, close] = [num(r.open), num(r.high), num(r.low), num(r.close)];
  // Missing prices are a completeness problem, not an accuracy one.
  if (open === undefined || high === undefined || low === undefined || close === undefined) return [];
  const failed: string[] = [];
  if (high < Math.max(open, close, low)) failed.push('high_ge_max');
  if (low > Math.min(open, close)) failed.push('low_le_min');
  if (!(open > 0 && high > 0 && low > 0 && close > 0)) failed.push('positive_prices');
  return failed;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ValidityResult {
  checked: number;
  failed: string[];
}

/**
 * A validity checker for the policy's `validity` section (symbol/date format, numeric ranges,
 * lineage enums), compiled once per policy: it runs for every row of every day.
 */
export function compileValidity(v: QualityPolicySpec['validity']): (r: Rec) => ValidityResult {
  const symbolPattern = new RegExp(v.symbol_pattern);
  const ranges = Object.entries(v.ranges).map(([field, r]) => ({ field, id: `${field}_range`, ...r }));
  const enums = Object.entries(v.enums).map(([field, allowed]) => ({
    field,
    id: `${field}_enum`,
    allowed: new Set(allowed),
  }));
  return (r) => {
    const failed: string[] = [];
    let checked = 2;
    if (!symbolPattern.test(String(r.symbol ?? ''))) failed.push('symbol_format');
    if (!DATE.test(String(r.trade_date ?? ''))) failed.push('trade_date_format');
    for (const range of ranges) {
      if (r[range.field] == null) continue; // nullability is completeness's business
      checked++;
      const x = num(r[range.field]);
      const ok =
        x !== undefined &&
        (range.min === undefined || (range.exclusive_min ? x > range.min : x >= range.min)) &&
        (range.max === undefined || x <= range.max);
      if (!ok) failed.push(range.id);
    }
    for (const e of enums) {
      if (r[e.field] == null) continue;
      checked++;
      if (!e.allowed.has(String(r[e.field]))) failed.push(e.id);
    }
    return { checked, failed };
  };
}

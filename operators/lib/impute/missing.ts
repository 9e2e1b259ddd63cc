/**
 * What counts as missing, and missing rates per trading day.
 *
 * A value is missing when it is absent, null, an empty string or not a finite number. A nullable
 * field's null is *not* missing when its `<field>_source` names the source that reported it (a
 * loss-maker's pe_ttm is null in Tushare: that is the value, not a gap).
 *
 * @example
 * isMissing({ close: null }, field);                                  // true
 * isMissing({ pe_ttm: null, pe_ttm_source: 'Tushare' }, nullableField); // false
 */
import type { Rec } from '../../../engine/api/index.ts';
import type { ResolvedField } from './policy.ts';

/** The numeric value of a field, or NaN (numbers may arrive as numeric strings or bigints). */
export function numeric(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : NaN;
  }
  return NaN;
}

export function sourceField(field: string): string {
  return `${field}_source`;
}

export function isMissing(row: Rec, field: ResolvedField): boolean {
  return isMissingValue(row[field.name], row[sourceField(field.name)], field);
}

/** {@link isMissing} on a value and its `<field>_source` (for column-wise scans). */
export function isMissingValue(v: unknown, src: unknown, field: ResolvedField): boolean {
  if (v === null || v === undefined) {
    if (!field.nullable) return true;
    return !(typeof src === 'string' && src !== '' && !src.startsWith('Imputed'));
  }
  return Number.isNaN(numeric(v));
}

/** Missing rates of one group of rows (one trading day). */
export interface MissingRates {
  rows: number;
  /** Share of missing cells over all key fields. */
  key_missing_rate: number;
  /** The worst key field's share of rows missing it (what "key field missing > 1 %" means). */
  key_missing_max: number;
  key_missing_field: string | null;
  /** Share of missing cells over every policy field. */
  total_missing_rate: number;
  /** Share of rows missing each field. */
  fields: Record<string, number>;
}

/** Missing rates from the count of missing cells per field (`counts[i]` for `fields[i]`) over `n` rows. */
export function ratesOf(
  counts: ArrayLike<number>,
  n: number,
  fields: readonly ResolvedField[],
): MissingRates {
  const rate = (c: number, d: number) => (d > 0 ? c / d : 0);
  let keyCells = 0;
  let keyMissing = 0;
  let worst = -1;
  let worstField: string | null = null;
  fields.forEach((f, i) => {
    if (!f.key) return;
    keyCells += n;
    keyMissing += counts[i];
    const r = rate(counts[i], n);
    if (r > worst) [worst, worstField] = [r, f.name];
  });
  let total = 0;
  for (let i = 0; i < fields.length; i++) total += counts[i];
  return {
    rows: n,
    key_missing_rate: rate(keyMissing, keyCells),
    key_missing_max: Math.max(worst, 0),
    key_missing_field: worst > 0 ? worstField : null,
    total_missing_rate: rate(total, n * fields.length),
    fields: Object.fromEntries(fields.map((f, i) => [f.name, rate(counts[i], n)])),
  };
}

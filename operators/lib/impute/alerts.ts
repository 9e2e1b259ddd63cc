/**
 * Missing-rate alerts after imputation (domain §6, DQ-COM-01): a key field missing for more than
 * `key_missing_rate` of a day's rows, or more than `total_missing_rate` of all policy cells, is P1;
 * a key field above the target (`target_key_missing_rate`, 0.1 %) but under the P1 line is P2.
 *
 * Records have the shape of the engine's alert signal (`{name, severity, active, labels,
 * annotations}`) plus the measured values, one per rule and day, active or not, so that an alert
 * sink can open an episode on a bad day and resolve it on the next good one.
 *
 * @example
 * missingRateAlerts(day, policy.alerts, { pipeline: 'gold', node: 'impute' }).filter((a) => a.active);
 */
import type { Rec } from '../../../engine/api/index.ts';
import type { DayStats } from './imputer.ts';

export interface AlertThresholds {
  target: number;
  key: number;
  total: number;
}

const pct = (x: number) => `${(x * 100).toFixed(3)} %`;

export function missingRateAlerts(day: DayStats, t: AlertThresholds, labels: Record<string, string>): Rec[] {
  const a = day.after;
  const values = {
    trade_date: day.trade_date,
    rows: a.rows,
    key_missing_max: a.key_missing_max,
    key_missing_field: a.key_missing_field,
    key_missing_rate: a.key_missing_rate,
    total_missing_rate: a.total_missing_rate,
  };
  const at = new Date().toISOString();
  const signal = (
    name: string,
    severity: 'P1' | 'P2',
    active: boolean,
    threshold: number,
    summary: string,
  ): Rec => ({
    name,
    severity,
    active,
    rule: 'DQ-COM-01',
    labels: { ...labels, rule: 'DQ-COM-01' },
    annotations: { summary, trade_date: day.trade_date },
    threshold,
    at,
    ...values,
  });
  const keyP1 = a.key_missing_max > t.key;
  return [
    signal(
      'ImputeKeyFieldMissing',
      'P1',
      keyP1,
      t.key,
      `after imputation ${a.key_missing_field ?? 'no key field'} is missing for ${pct(a.key_missing_max)} of ${a.rows} rows on ${day.trade_date} (P1 above ${pct(t.key)})`,
    ),
    signal(
      'ImputeTotalMissing',
      'P1',
      a.total_missing_rate > t.total,
      t.total,
      `after imputation ${pct(a.total_missing_rate)} of all imputable fields are missing on ${day.trade_date} (P1 above ${pct(t.total)})`,
    ),
    signal(
      'ImputeKeyMissingAboveTarget',
      'P2',
      !keyP1 && a.key_missing_max > t.target,
      t.target,
      `after imputation ${a.key_missing_field ?? 'no key field'} is missing for ${pct(a.key_missing_max)} of rows on ${day.trade_date} (target below ${pct(t.target)})`,
    ),
  ];
}

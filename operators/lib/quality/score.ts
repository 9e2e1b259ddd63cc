/**
 * The composite data-quality score (domain spec §6): per-row `data_quality_score` and the daily
 * report of one trading day. Every dimension is 0–100; the composite is Σ dimension × weight.
 *
 * Day-level dimensions (the report):
 * - completeness = 100 × DQ-COM-01 × (1 − mean key-field missing rate), where DQ-COM-01 is
 *   symbols with a close / symbols expected (`expected`, or the symbols present);
 * - accuracy = 100 × share of rows whose K-line logic holds (DQ-ACC-01);
 * - consistency = 100 × consistent / overlapping rows from the gate's `dq_consistent` flags (DQ-CON-01);
 * - timeliness = 100 when close → scoring ≤ the limit (DQ-TIM-01), then linearly to 0 at twice it;
 * - validity_uniqueness = mean of the valid-row share and the unique-(symbol, trade_date) share.
 * Row-level dimensions apply the same rules to one row (timeliness is the day's).
 */
import type { Rec } from '../../../engine/api/index.ts';
import { compileValidity, klineFailures } from './kline.ts';
import { num, round } from './num.ts';
import { marketClose } from './shanghai-time.ts';
import type { DimensionId, QualityPolicySpec, QualityScoreSpec } from './types.ts';

export type Dimensions = Record<DimensionId, number>;

export interface RowQuality {
  score: number;
  dimensions: Dimensions;
  failures: string[];
}

export interface DayInput {
  tradeDate: string | null;
  rows: readonly Rec[];
  /** Symbols that traded that day, when known (e.g. from the collector's universe). */
  expected?: number;
  /** When the day is being scored (latency is measured to this instant). */
  now: Date;
  /** Backfills are not late: timeliness is not applicable and scores 100. */
  timeliness: 'live' | 'backfill';
}

export function weighted(dims: Dimensions, score: QualityScoreSpec): number {
  return round(
    score.dimensions.reduce((acc, d) => acc + dims[d.id] * d.weight, 0),
    2,
  );
}

/** The band of a composite score: the highest band whose minimum it reaches. */
export function band(composite: number, score: QualityScoreSpec): string {
  const sorted = [...score.bands].sort((a, b) => b.min - a.min);
  return (sorted.find((b) => composite >= b.min) ?? sorted[sorted.length - 1]).name;
}

export function timelinessScore(minutes: number | null, max: number): number {
  if (minutes === null || minutes <= max) return 100;
  return round(Math.max(0, 100 * (1 - (minutes - max) / max)), 2);
}

const present = (v: unknown) =>
  v !== null && v !== undefined && (typeof v !== 'number' || Number.isFinite(v)) && v !== '';

/** Scores every row and builds the day's report. */
export function scoreDay(
  input: DayInput,
  policy: QualityPolicySpec,
  score: QualityScoreSpec,
): { rows: RowQuality[]; report: Rec } {
  const { rows } = input;
  const c = policy.completeness;
  const validityOf = compileValidity(policy.validity);
  const closeAt = input.tradeDate
    ? marketClose(input.tradeDate, policy.timeliness.market_close, policy.timeliness.utc_offset)
    : undefined;
  const minutes =
    input.timeliness === 'live' && closeAt
      ? Math.max(0, (input.now.getTime() - closeAt.getTime()) / 60000)
      : null;
  const timeliness = timelinessScore(minutes, policy.timeliness.max_minutes);

  const seen = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.symbol}|${r.trade_date}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const failureCounts: Record<string, number> = {};
  const count = (ids: string[]) => ids.forEach((id) => (failureCounts[id] = (failureCounts[id] ?? 0) + 1));
  let klineOk = 0;
  let valid = 0;
  let overlapping = 0;
  let consistent = 0;

  const scored = rows.map((r): RowQuality => {
    const missingKeys: string[] = [];
    for (const f of c.key_fields) if (!present(r[f])) missingKeys.push(`${f}_missing`);
    const keyPresent = c.key_fields.length - missingKeys.length;
    const kline = klineFailures(r);
    const validity = validityOf(r);
    const duplicate = (seen.get(`${r.symbol}|${r.trade_date}`) ?? 0) > 1;
    const failures = [...kline, ...validity.failed, ...(duplicate ? ['duplicate_key'] : [])];
    count(failures);
    count(missingKeys);
    if (kline.length === 0) klineOk++;
    if (validity.failed.length === 0) valid++;
    if (r.dq_consistent === true || r.dq_consistent === false) overlapping++;
    if (r.dq_consistent === true) consistent++;
    if (r.dq_consistent === false) count(['consistency']);
    const dimensions: Dimensions = {
      completeness: (100 * keyPresent) / c.key_fields.length,
      accuracy: kline.length === 0 ? 100 : 0,
      consistency: r.dq_consistent === false ? 0 : 100,
      timeliness,
      validity_uniqueness:
        (100 * (1 - validity.failed.length / validity.checked) + (duplicate ? 0 : 100)) / 2,
    };
    return { score: weighted(dimensions, score), dimensions, failures };
  });

  const n = rows.length;
  const missing: Record<string, number> = {};
  let missingCells = 0;
  for (const f of c.fields) {
    const m = rows.filter((r) => !present(r[f])).length;
    missing[f] = n ? round(m / n, 6) : 0;
    missingCells += m;
  }
  const withClose = new Set(rows.filter((r) => present(r.close)).map((r) => String(r.symbol))).size;
  const symbols = new Set(rows.map((r) => String(r.symbol))).size;
  const expected = Math.max(input.expected ?? symbols, symbols);
  const com = expected ? Math.min(1, withClose / expected) : 1;
  const keyMissingMean = c.key_fields.reduce((a, f) => a + missing[f], 0) / c.key_fields.length;
  const keyMissingMax = Math.max(...c.key_fields.map((f) => missing[f]));
  const ratio = (a: number, b: number) => (b ? a / b : 1);
  const conRatio = overlapping ? consistent / overlapping : null;
  const uniqueness = ratio(seen.size, n);
  const validity = ratio(valid, n);
  const dims: Dimensions = {
    completeness: 100 * com * (1 - keyMissingMean),
    accuracy: 100 * ratio(klineOk, n),
    consistency: 100 * (conRatio ?? 1),
    timeliness,
    validity_uniqueness: (100 * validity + 100 * uniqueness) / 2,
  };
  const composite = weighted(dims, score);
  const report: Rec = {
    trade_date: input.tradeDate,
    rows: n,
    expected_symbols: expected,
    collected_symbols: withClose,
    dq_com_01: round(com, 6),
    dq_acc_01: round(ratio(klineOk, n), 6),
    dq_con_01: conRatio === null ? null : round(conRatio, 6),
    dq_tim_01: minutes === null ? null : minutes <= policy.timeliness.max_minutes,
    consistency_ratio: conRatio === null ? null : round(conRatio, 6),
    kline_ratio: round(ratio(klineOk, n), 6),
    timeliness_minutes: minutes === null ? null : round(minutes, 2),
    key_missing_max: round(keyMissingMax, 6),
    total_missing_rate: n ? round(missingCells / (n * c.fields.length), 6) : 0,
    close_missing_rate: round(expected ? 1 - withClose / expected : 0, 6),
    missing_rates: JSON.stringify(missing),
    uniqueness_ratio: round(uniqueness, 6),
    validity_ratio: round(validity, 6),
    ...Object.fromEntries(Object.entries(dims).map(([k, v]) => [`${k}_score`, round(v, 2)])),
    composite,
    band: band(composite, score),
    rule_failures: JSON.stringify(failureCounts),
    mean_row_score: n ? round(scored.reduce((a, s) => a + s.score, 0) / n, 2) : null,
    scored_at: input.now.toISOString(),
  };
  return { rows: scored, report };
}

/** The mean composite of daily reports (e.g. a month), with the band of the mean. */
export function monthlyMean(
  reports: readonly Rec[],
  score: QualityScoreSpec,
): { days: number; mean: number | null; band: string | null; target: number } {
  const values = reports.map((r) => num(r.composite)).filter((x): x is number => x !== undefined);
  const mean = values.length ? round(values.reduce((a, b) => a + b, 0) / values.length, 2) : null;
  return {
    days: values.length,
    mean,
    band: mean === null ? null : band(mean, score),
    target: score.monthly_target,
  };
}

/**
 * Every Prometheus metric the engine exports, in one place: names, type, labels, help and the
 * area that records it. Grafana panels and alert rules are tested against this list
 * (`test/prometheus`, `infra/grafana`), and a unit test proves the quality metrics below are
 * really registered when the quality operators run.
 *
 * Names: `dq_*` for data-quality measurements, `argus_*` for engine/pipeline operations.
 * Entries owned by other areas are the agreed contract for their recorders.
 */
export type MetricType = 'gauge' | 'counter' | 'histogram';

export interface MetricDef {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Who records it: `quality` (this module's operators) or another area of the engine. */
  owner: 'quality' | 'alerts' | 'sources' | 'quota' | 'runtime' | 'lake';
}

const m = (name: string, type: MetricType, help: string, labels: readonly string[], owner: MetricDef['owner']): MetricDef => ({
  name,
  type,
  help,
  labels,
  owner,
});

export const METRICS = {
  consistencyRatio: m('dq_multisource_consistency_ratio', 'gauge', 'QMT vs Tushare consistent rows / overlapping rows of the last evaluated trading day', ['pipeline'], 'quality'),
  consistencyRatioByBoard: m('dq_multisource_consistency_ratio_by_board', 'gauge', 'Consistency ratio of the last trading day per board', ['pipeline', 'board'], 'quality'),
  volatilityIndex: m('dq_market_volatility_index', 'gauge', 'Mean absolute daily range of the market (high - low) / pre_close', ['pipeline'], 'quality'),
  effectiveTolerance: m('dq_effective_tolerance', 'gauge', 'Consistency tolerance after the dynamic tier multiplier', ['pipeline', 'field'], 'quality'),
  quarantinedBatches: m('argus_quarantined_batches_total', 'counter', 'Trading-day batches quarantined by the consistency gate', ['pipeline', 'node'], 'quality'),
  quarantinedRecords: m('argus_quarantined_records_total', 'counter', 'Records sent to quarantine', ['pipeline', 'node'], 'quality'),
  reviewDiffs: m('dq_review_diffs_total', 'counter', 'Source diffs above the review threshold (1 %) listed for review', ['pipeline', 'field'], 'quality'),
  ruleFailures: m('dq_rule_failures_total', 'counter', 'Row-level rule failures by rule', ['pipeline', 'rule'], 'quality'),
  score: m('dq_quality_score', 'gauge', 'Composite data-quality score (0-100) of the last scored trading day', ['pipeline'], 'quality'),
  dimensionScore: m('dq_quality_dimension_score', 'gauge', 'Data-quality dimension score (0-100) of the last scored trading day', ['pipeline', 'dimension'], 'quality'),
  kpiRatio: m('dq_kpi_ratio', 'gauge', 'KPI ratio of the last scored trading day (DQ-COM-01, DQ-ACC-01, DQ-CON-01)', ['pipeline', 'kpi'], 'quality'),
  fieldMissing: m('dq_field_missing_ratio', 'gauge', 'Share of rows missing a field after processing', ['pipeline', 'field'], 'quality'),
  e2eLatency: m('argus_e2e_latency_seconds', 'histogram', 'Seconds from the market close of the trade date to scoring before the Gold commit', ['pipeline'], 'quality'),
  timelinessMinutes: m('dq_timeliness_minutes', 'gauge', 'Minutes from market close to Gold readiness of the last scored day (DQ-TIM-01)', ['pipeline'], 'quality'),
  alertsTotal: m('argus_alerts_total', 'counter', 'Alert notifications sent (fired or resolved)', ['alertname', 'severity', 'status'], 'alerts'),
  alertsFiring: m('argus_alerts_firing', 'gauge', 'Alerts currently firing (1) or not (0)', ['alertname', 'severity'], 'alerts'),
  sourceRequests: m('argus_source_requests_total', 'counter', 'Source API calls by outcome (success | error)', ['source', 'endpoint', 'outcome'], 'sources'),
  quotaUsed: m('argus_tushare_quota_used', 'gauge', 'Tushare calls used today per endpoint', ['endpoint'], 'quota'),
  quotaLimit: m('argus_tushare_quota_limit', 'gauge', 'Tushare daily call limit per endpoint', ['endpoint'], 'quota'),
  quotaCalls: m('argus_tushare_quota_calls_total', 'counter', 'Tushare calls counted against the quota (for daily/weekly consumption)', ['endpoint'], 'quota'),
  nodeRecords: m('argus_node_records_total', 'counter', 'Records out of a node per port', ['pipeline', 'node', 'port'], 'runtime'),
  tableBytes: m('argus_lake_table_bytes', 'gauge', 'Bytes of live data files per Delta table (storage cost)', ['table'], 'lake'),
} as const satisfies Record<string, MetricDef>;

/** Every exported metric name. Histograms also expose `_bucket`, `_sum` and `_count` series. */
export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((d) => d.name);

/**
 * True when a PromQL series name refers to an exported metric (incl. histogram/summary suffixes).
 * @example isExportedSeries('argus_e2e_latency_seconds_bucket') === true
 */
export function isExportedSeries(series: string): boolean {
  if (METRIC_NAMES.includes(series)) return true;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return Object.values(METRICS).some((d) => d.name === base && d.type === 'histogram');
}

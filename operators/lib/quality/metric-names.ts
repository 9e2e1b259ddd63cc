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
  owner: 'quality' | 'serve' | 'sources' | 'quota' | 'runtime' | 'bus' | 'fusion' | 'lake';
}

const m = (
  name: string,
  type: MetricType,
  help: string,
  labels: readonly string[],
  owner: MetricDef['owner'],
): MetricDef => ({
  name,
  type,
  help,
  labels,
  owner,
});

export const METRICS = {
  consistencyRatio: m(
    'dq_multisource_consistency_ratio',
    'gauge',
    'QMT vs Tushare consistent rows / overlapping rows of the last evaluated trading day',
    ['pipeline'],
    'quality',
  ),
  consistencyRatioByBoard: m(
    'dq_multisource_consistency_ratio_by_board',
    'gauge',
    'Consistency ratio of the last trading day per board',
    ['pipeline', 'board'],
    'quality',
  ),
  volatilityIndex: m(
    'dq_market_volatility_index',
    'gauge',
    'Mean absolute daily range of the market (high - low) / pre_close',
    ['pipeline'],
    'quality',
  ),
  effectiveTolerance: m(
    'dq_effective_tolerance',
    'gauge',
    'Consistency tolerance after the dynamic tier multiplier',
    ['pipeline', 'field'],
    'quality',
  ),
  quarantinedBatches: m(
    'argus_quarantined_batches_total',
    'counter',
    'Trading-day batches quarantined by the consistency gate',
    ['pipeline', 'node'],
    'quality',
  ),
  quarantinedRecords: m(
    'argus_quarantined_records_total',
    'counter',
    'Records sent to quarantine',
    ['pipeline', 'node'],
    'quality',
  ),
  reviewDiffs: m(
    'dq_review_diffs_total',
    'counter',
    'Source diffs above the review threshold (1 %) listed for review',
    ['pipeline', 'field'],
    'quality',
  ),
  ruleFailures: m(
    'dq_rule_failures_total',
    'counter',
    'Row-level rule failures by rule',
    ['pipeline', 'rule'],
    'quality',
  ),
  score: m(
    'dq_quality_score',
    'gauge',
    'Composite data-quality score (0-100) of the last scored trading day',
    ['pipeline'],
    'quality',
  ),
  dimensionScore: m(
    'dq_quality_dimension_score',
    'gauge',
    'Data-quality dimension score (0-100) of the last scored trading day',
    ['pipeline', 'dimension'],
    'quality',
  ),
  kpiRatio: m(
    'dq_kpi_ratio',
    'gauge',
    'KPI ratio of the last scored trading day (DQ-COM-01, DQ-ACC-01, DQ-CON-01)',
    ['pipeline', 'kpi'],
    'quality',
  ),
  fieldMissing: m(
    'dq_field_missing_ratio',
    'gauge',
    'Share of rows missing a field after processing',
    ['pipeline', 'field'],
    'quality',
  ),
  e2eLatency: m(
    'argus_e2e_latency_seconds',
    'histogram',
    'Seconds from the market close of the trade date to scoring before the Gold commit',
    ['pipeline'],
    'quality',
  ),
  timelinessMinutes: m(
    'dq_timeliness_minutes',
    'gauge',
    'Minutes from market close to Gold readiness of the last scored day (DQ-TIM-01)',
    ['pipeline'],
    'quality',
  ),
  alertsTotal: m(
    'argus_alerts_total',
    'counter',
    'Alert notifications sent (fired or resolved)',
    ['alertname', 'severity', 'status'],
    'quality',
  ),
  alertsFiring: m(
    'argus_alerts_firing',
    'gauge',
    'Alerts currently firing (1) or not (0)',
    ['alertname', 'severity'],
    'quality',
  ),
  tableBytes: m(
    'argus_lake_table_bytes',
    'gauge',
    'Bytes of live data files per Delta table (storage cost), exported by `argus serve`',
    ['table'],
    'serve',
  ),
  tableFiles: m(
    'argus_lake_table_files',
    'gauge',
    'Live data files per Delta table, exported by `argus serve`',
    ['table'],
    'serve',
  ),
  // Recorded by other areas (names as they register them; keep in sync).
  sourceCalls: m(
    'argus_source_calls_total',
    'counter',
    'Source API calls after retries, by outcome (success | failure)',
    ['source', 'endpoint', 'outcome'],
    'sources',
  ),
  sourceSuccessRatio: m(
    'argus_source_success_ratio',
    'gauge',
    'Share of successful source API calls since start, per endpoint',
    ['source', 'endpoint'],
    'sources',
  ),
  quotaUsed: m(
    'argus_quota_used',
    'gauge',
    'Tushare calls counted today per endpoint',
    ['policy', 'endpoint'],
    'quota',
  ),
  quotaLimit: m(
    'argus_quota_limit',
    'gauge',
    'Tushare daily call limit per endpoint',
    ['policy', 'endpoint'],
    'quota',
  ),
  quotaUsageRatio: m(
    'argus_quota_usage_ratio',
    'gauge',
    'Share of the daily limit used per endpoint',
    ['policy', 'endpoint'],
    'quota',
  ),
  quotaCalls: m(
    'argus_quota_calls_total',
    'counter',
    'Quota decisions by endpoint and outcome',
    ['policy', 'endpoint', 'outcome'],
    'quota',
  ),
  quotaConsumption: m(
    'argus_quota_consumption_calls',
    'gauge',
    'Calls consumed in the period (day | week, all endpoints)',
    ['policy', 'period'],
    'quota',
  ),
  quotaBudgetRatio: m(
    'argus_quota_budget_ratio',
    'gauge',
    'Consumption / budget of the period',
    ['policy', 'period'],
    'quota',
  ),
  quotaLocalBudget: m(
    'argus_quota_local_budget',
    'gauge',
    'Reserved calls this process may spend without the store',
    ['policy', 'endpoint'],
    'quota',
  ),
  quotaStoreUp: m(
    'argus_quota_store_up',
    'gauge',
    '1 when the shared quota store is reachable',
    ['policy'],
    'quota',
  ),
  quotaEvents: m(
    'argus_quota_events_total',
    'counter',
    'Quota events by type and level',
    ['policy', 'type', 'level'],
    'quota',
  ),
  nodeRecordsIn: m(
    'argus_node_records_in_total',
    'counter',
    'Records received by a node',
    ['pipeline', 'node'],
    'runtime',
  ),
  nodeRecordsOut: m(
    'argus_node_records_out_total',
    'counter',
    'Records emitted by a node, per port',
    ['pipeline', 'node', 'port'],
    'runtime',
  ),
  nodeErrors: m(
    'argus_node_errors_total',
    'counter',
    'Records routed to the error port, or sink write failures',
    ['pipeline', 'node'],
    'runtime',
  ),
  nodeBatchSeconds: m(
    'argus_node_batch_seconds',
    'histogram',
    'Time a sink took to make a batch durable',
    ['pipeline', 'node'],
    'runtime',
  ),
  sourceAckSeconds: m(
    'argus_source_ack_seconds',
    'histogram',
    'Emission to acknowledgement through the graph',
    ['pipeline', 'node'],
    'runtime',
  ),
  sourceEmissions: m(
    'argus_source_emissions_total',
    'counter',
    'Source emissions by outcome',
    ['pipeline', 'node', 'outcome'],
    'runtime',
  ),
  deadLetters: m(
    'argus_dead_letter_records_total',
    'counter',
    'Records written to the dead-letter store',
    ['pipeline', 'node', 'port'],
    'runtime',
  ),
  busProduced: m(
    'argus_bus_produced_messages_total',
    'counter',
    'Messages published to the bus',
    ['pipeline', 'node', 'topic'],
    'bus',
  ),
  busConsumed: m(
    'argus_bus_consumed_messages_total',
    'counter',
    'Messages consumed from the bus',
    ['pipeline', 'node', 'topic'],
    'bus',
  ),
  busTopicDrift: m(
    'argus_bus_topic_drift',
    'gauge',
    'Declared topic settings that differ on the bus (1 = drift)',
    ['topic', 'field'],
    'bus',
  ),
  dedupeDropped: m(
    'argus_dedupe_dropped_total',
    'counter',
    'Duplicate records dropped by dedupe',
    ['pipeline', 'node'],
    'runtime',
  ),
  fuseRows: m(
    'argus_fuse_rows_total',
    'counter',
    'Fused Gold-candidate rows',
    ['pipeline', 'node', 'reason'],
    'fusion',
  ),
  fuseRejected: m(
    'argus_fuse_rejected_rows_total',
    'counter',
    'Rows fuse could not use',
    ['pipeline', 'node', 'port'],
    'fusion',
  ),
  imputeValues: m(
    'argus_impute_values_total',
    'counter',
    'Values imputed, by field and method',
    ['pipeline', 'node', 'field', 'method'],
    'fusion',
  ),
  imputeUnfilled: m(
    'argus_impute_unfilled_total',
    'counter',
    'Missing values no method could fill, by field',
    ['pipeline', 'node', 'field'],
    'fusion',
  ),
  imputeMissingRate: m(
    'argus_impute_missing_rate',
    'gauge',
    'Missing rate of the last trading day processed (stage, scope)',
    ['pipeline', 'node', 'stage', 'scope'],
    'fusion',
  ),
  imputeForecasts: m(
    'argus_impute_forecasts_total',
    'counter',
    'Series forecast, by model and fallback reason',
    ['model', 'reason'],
    'fusion',
  ),
  imputeWorkerRestarts: m(
    'argus_impute_worker_restarts_total',
    'counter',
    'Prophet worker restarts',
    ['pipeline', 'node'],
    'fusion',
  ),
  imputeWorkerUp: m(
    'argus_impute_worker_up',
    'gauge',
    'Whether the Prophet worker process is running',
    ['pipeline', 'node'],
    'fusion',
  ),
  deltaUpsertRows: m(
    'argus_delta_upsert_rows_total',
    'counter',
    'Rows merged into Delta tables',
    ['pipeline', 'node', 'table'],
    'lake',
  ),
  deltaUpsertSkipped: m(
    'argus_delta_upsert_skipped_total',
    'counter',
    'Batches skipped as already committed (txn)',
    ['pipeline', 'node', 'table'],
    'lake',
  ),
} as const satisfies Record<string, MetricDef>;

/** Series Prometheus itself generates (per scrape target, and ALERTS from rule evaluation). */
export const PROMETHEUS_SERIES: readonly string[] = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'ALERTS',
  'ALERTS_FOR_STATE',
];

/** Every exported metric name. Histograms also expose `_bucket`, `_sum` and `_count` series. */
export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((d) => d.name);

/**
 * True when a PromQL series name refers to an exported metric (incl. histogram/summary suffixes).
 * @example isExportedSeries('argus_e2e_latency_seconds_bucket') === true
 */
export function isExportedSeries(series: string): boolean {
  if (METRIC_NAMES.includes(series) || PROMETHEUS_SERIES.includes(series)) return true;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return Object.values(METRICS).some((d) => d.name === base && d.type === 'histogram');
}

/**
 * Columns of the quality Delta tables the quality operators' ports feed (through the `delta`
 * sink), as `TableSchema`-style column lists. docs/quality.md shows them as TableSchema
 * documents for `schemas/quality/`; tests create the tables from these lists.
 */
export interface QualityColumn {
  name: string;
  type: string;
  nullable: boolean;
  description: string;
}

const c = (name: string, type: string, nullable: boolean, description: string): QualityColumn => ({
  name,
  type,
  nullable,
  description,
});

/** `quality/daily_report` (partitioned by trade_date): `quality_score`'s `report` port. */
export const DAILY_REPORT_COLUMNS: QualityColumn[] = [
  c('trade_date', 'date', false, 'Trading day scored'),
  c('pipeline', 'string', false, 'Pipeline that scored it'),
  c('rows', 'long', false, 'Rows scored'),
  c('expected_symbols', 'long', false, 'Symbols that traded (or present)'),
  c('collected_symbols', 'long', false, 'Symbols with a close'),
  c('dq_com_01', 'double', false, 'DQ-COM-01 collected / traded'),
  c('dq_acc_01', 'double', false, 'DQ-ACC-01 K-line logic ratio'),
  c('dq_con_01', 'double', true, 'DQ-CON-01 consistency ratio (null: one source)'),
  c('dq_tim_01', 'boolean', true, 'DQ-TIM-01 within the limit (null: backfill)'),
  c('consistency_ratio', 'double', true, 'Same as dq_con_01'),
  c('kline_ratio', 'double', false, 'Same as dq_acc_01'),
  c('timeliness_minutes', 'double', true, 'Close to scoring, minutes'),
  c('key_missing_max', 'double', false, 'Highest missing rate among key fields'),
  c('total_missing_rate', 'double', false, 'Missing cells / all cells of the checked fields'),
  c('close_missing_rate', 'double', false, 'Symbols without a close / expected'),
  c('missing_rates', 'string', false, 'JSON {field: rate}'),
  c('uniqueness_ratio', 'double', false, 'Unique (symbol, trade_date) / rows'),
  c('validity_ratio', 'double', false, 'Rows passing every validity rule / rows'),
  c('completeness_score', 'double', false, 'Dimension score 0-100'),
  c('accuracy_score', 'double', false, 'Dimension score 0-100'),
  c('consistency_score', 'double', false, 'Dimension score 0-100'),
  c('timeliness_score', 'double', false, 'Dimension score 0-100'),
  c('validity_uniqueness_score', 'double', false, 'Dimension score 0-100'),
  c('composite', 'double', false, 'Composite score 0-100'),
  c('band', 'string', false, 'green | yellow | red'),
  c('rule_failures', 'string', false, 'JSON {rule: count}'),
  c('mean_row_score', 'double', true, 'Mean data_quality_score of the rows'),
  c('scored_at', 'timestamp', false, 'When the day was scored'),
];

/** `quality/quarantine` (partitioned by trade_date): `consistency_gate`'s `quarantine` port with the default policy fields. */
export const QUARANTINE_COLUMNS: QualityColumn[] = [
  c('batch_id', 'string', false, 'Quarantined batch (trading day + trace)'),
  c('trade_date', 'date', false, 'Trading day'),
  c('symbol', 'string', true, 'Symbol'),
  c('quarantined_at', 'timestamp', false, 'When the gate quarantined it'),
  c('batch_reason', 'string', false, 'Why the whole batch was quarantined'),
  c('row_reasons', 'string', true, "This row's disagreements, if any"),
  c('row_consistent', 'boolean', true, 'Row verdict (null: one source)'),
  c('batch_ratio', 'double', true, 'Batch consistency ratio'),
  c('batch_target', 'double', false, 'Target ratio'),
  c('volatility_index', 'double', true, 'Market volatility index'),
  c('multiplier', 'double', false, 'Dynamic tier multiplier'),
  c('close_qmt', 'double', true, 'miniQMT raw close'),
  c('close_ts', 'double', true, 'Tushare raw close'),
  c('close_diff', 'double', true, 'Relative close diff'),
  c('volume_qmt', 'double', true, 'miniQMT volume (shares)'),
  c('volume_ts', 'double', true, 'Tushare volume (shares)'),
  c('volume_diff', 'double', true, 'Relative volume diff'),
  c('record', 'string', false, 'The full fused record (JSON) for replay'),
];

/** `quality/consistency` (partitioned by trade_date): `consistency_gate`'s `verdict` port. */
export const CONSISTENCY_COLUMNS: QualityColumn[] = [
  c('pipeline', 'string', false, 'Pipeline'),
  c('node', 'string', false, 'Gate node id'),
  c('batch_id', 'string', false, 'Batch id'),
  c('trade_date', 'date', false, 'Trading day'),
  c('rows', 'long', false, 'Rows'),
  c('overlapping', 'long', false, 'Rows with both sources'),
  c('consistent', 'long', false, 'Consistent rows'),
  c('consistency_ratio', 'double', true, 'consistent / overlapping'),
  c('target', 'double', false, 'Batch target'),
  c('volatility_index', 'double', true, 'Market volatility index'),
  c('multiplier', 'double', false, 'Dynamic tier multiplier'),
  c('tolerance_close', 'double', false, 'Effective close tolerance'),
  c('tolerance_volume', 'double', false, 'Effective volume tolerance'),
  c('verdict', 'string', false, 'published | quarantined'),
  c('reason', 'string', true, 'Why quarantined'),
  c('review_count', 'long', false, 'Diffs listed for review'),
  c('board_ratios', 'string', false, 'JSON {board: ratio}'),
  c('evaluated_at', 'timestamp', false, 'When evaluated'),
];

/** `quality/review` (partitioned by trade_date): `consistency_gate`'s `review` port (diffs > 1 %). */
export const REVIEW_COLUMNS: QualityColumn[] = [
  c('batch_id', 'string', false, 'Batch id'),
  c('trade_date', 'date', false, 'Trading day'),
  c('symbol', 'string', true, 'Symbol'),
  c('field', 'string', false, 'Compared field'),
  c('qmt', 'double', true, 'miniQMT value'),
  c('tushare', 'double', true, 'Tushare value'),
  c('diff', 'double', true, 'Relative diff (null: infinite)'),
  c('tolerance', 'double', false, 'Effective tolerance'),
  c('verdict', 'string', false, 'Batch verdict'),
];

export const QUALITY_TABLES = {
  'quality/daily_report': DAILY_REPORT_COLUMNS,
  'quality/quarantine': QUARANTINE_COLUMNS,
  'quality/consistency': CONSISTENCY_COLUMNS,
  'quality/review': REVIEW_COLUMNS,
} as const;

/** The quality tables as `TableSchema` documents (what `schemas/quality/<table>/v1.yaml` should hold). */
export function qualityTableSchemas(): {
  apiVersion: 'argus/v1';
  kind: 'TableSchema';
  metadata: { name: string; version: number };
  spec: Record<string, unknown>;
}[] {
  return Object.entries(QUALITY_TABLES).map(([table, columns]) => ({
    apiVersion: 'argus/v1',
    kind: 'TableSchema',
    metadata: { name: table.replace('/', '.'), version: 1 },
    spec: { table, partitionBy: ['trade_date'], properties: {}, columns: columns.map((c) => ({ ...c })) },
  }));
}

/**
 * `quality_score`: adds `data_quality_score` (0–100) to every Gold-bound row and emits one daily
 * report per trading day on `report` (KPIs DQ-COM-01/ACC-01/CON-01/TIM-01, missing rates,
 * uniqueness, validity, the dimension scores, the composite and its band) for the
 * `quality/daily_report` Delta table. Weights and bands come from a QualityScore document,
 * thresholds from a QualityPolicy; both are hot-reloadable.
 *
 * Column-wise: a day is scored over its columns (records in, or a column batch); it goes out as
 * the same table without the gate's `dq_*` columns, plus the score (and verification time) columns.
 */
import type { ColumnTable } from 'arquero';
import type { Rec } from '../../engine/api/index.ts';
import { column, columnsOf, defineOperator } from '../../engine/api/index.ts';
import { scoreMetrics } from '../lib/quality/metrics.ts';
import { num } from '../lib/quality/num.ts';
import { groupTable, recordsAt, splitRows } from '../lib/quality/rows.ts';
import { scoreDay } from '../lib/quality/score.ts';
import { marketClose } from '../lib/quality/shanghai-time.ts';
import type { QualityPolicySpec, QualityScoreSpec } from '../lib/quality/types.ts';

export interface QualityScoreConfig {
  /** QualityPolicy name (default `default`). */
  policy?: string;
  /** QualityScore name (default `default`). */
  score?: string;
  /** `live` (default) measures close → now; `backfill` treats timeliness as not applicable. */
  timeliness?: 'live' | 'backfill';
  /** Record field of the trading day (default `trade_date`). */
  group_by?: string;
  /** Remove the gate's `dq_*` flag columns from the rows (default true: Gold has no such columns). */
  drop_flags?: boolean;
  /** Set `last_verified_utc` to the scoring time where a row has none (default true). */
  stamp_verified?: boolean;
  /** Rows to forward to `out` untouched and leave out of the score (e.g. passthrough datasets). */
  passthrough?: { field: string; values: string[] };
}

export default defineOperator<QualityScoreConfig>({
  type: 'quality_score',
  role: 'transform',
  description:
    'Scores rows (data_quality_score 0–100) and emits a daily quality report per trading day on `report`.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      policy: { type: 'string', default: 'default' },
      score: { type: 'string', default: 'default' },
      timeliness: { enum: ['live', 'backfill'], default: 'live' },
      group_by: { type: 'string', default: 'trade_date' },
      drop_flags: { type: 'boolean', default: true },
      stamp_verified: { type: 'boolean', default: true },
      passthrough: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'values'],
        properties: { field: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
  ports: ['out', 'report'],
  examples: [
    {
      title: 'Score the day before the Gold commit',
      config: { policy: 'default', score: 'default', timeliness: 'live' },
    },
    { title: 'Backfill (timeliness not applicable)', config: { timeliness: 'backfill' } },
  ],
  create(config, ctx) {
    const policy = ctx.spec<QualityPolicySpec>('QualityPolicy', config.policy ?? 'default').spec;
    const score = ctx.spec<QualityScoreSpec>('QualityScore', config.score ?? 'default').spec;
    const groupBy = config.group_by ?? 'trade_date';
    const metrics = scoreMetrics(ctx.metrics);
    const labels = { pipeline: ctx.pipeline };

    return {
      kind: 'batch',
      process(batch, emit) {
        // Column-wise: the day's table goes out with the flag columns dropped and the score added.
        const t = columnsOf(batch);
        const split = splitRows(t, groupBy, config.passthrough);
        for (const r of recordsAt(batch, t, split.passthrough)) emit(r);
        const now = new Date();
        for (const { key: tradeDate, rows } of split.groups) {
          const day = groupTable(t, rows);
          const { scores, report } = scoreDay(
            {
              tradeDate,
              table: day,
              now,
              expected: num(batch.meta.expected_symbols),
              timeliness: config.timeliness ?? 'live',
            },
            policy,
            score,
          );
          emit.table(scored(day, scores, now));
          emit({ pipeline: ctx.pipeline, ...report }, 'report');
          record(report, tradeDate);
        }
      },
    };

    /** The day's table without the gate's `dq_*` flags, with the score and the verification time. */
    function scored(day: ColumnTable, scores: Float64Array, now: Date): ColumnTable {
      const names = day.columnNames();
      const kept = config.drop_flags === false ? names : names.filter((k) => !k.startsWith('dq_'));
      const out = kept.length === names.length ? day : day.select(kept);
      const added: Record<string, ArrayLike<unknown>> = { data_quality_score: scores };
      if (config.stamp_verified !== false) {
        const stamp = now.toISOString();
        const verified = column<unknown>(out, 'last_verified_utc');
        if (!verified) added.last_verified_utc = new Array<string>(scores.length).fill(stamp);
        else if (Array.prototype.some.call(verified, (v) => v == null))
          added.last_verified_utc = Array.from(verified, (v) => (v == null ? stamp : v));
      }
      return out.assign(added as Record<string, unknown[]>);
    }

    function record(report: Rec, tradeDate: string | null) {
      metrics.score.set(labels, Number(report.composite));
      for (const d of score.dimensions)
        metrics.dimension.set({ ...labels, dimension: d.id }, Number(report[`${d.id}_score`]));
      for (const [kpi, key] of [
        ['DQ-COM-01', 'dq_com_01'],
        ['DQ-ACC-01', 'dq_acc_01'],
        ['DQ-CON-01', 'dq_con_01'],
      ] as const)
        if (report[key] !== null) metrics.kpi.set({ ...labels, kpi }, Number(report[key]));
      for (const [field, rate] of Object.entries(
        JSON.parse(String(report.missing_rates)) as Record<string, number>,
      ))
        metrics.missing.set({ ...labels, field }, rate);
      for (const [rule, n] of Object.entries(
        JSON.parse(String(report.rule_failures)) as Record<string, number>,
      ))
        metrics.ruleFailures.inc({ ...labels, rule }, n);
      if (report.timeliness_minutes !== null && tradeDate) {
        metrics.timeliness.set(labels, Number(report.timeliness_minutes));
        const close = marketClose(tradeDate, policy.timeliness.market_close, policy.timeliness.utc_offset);
        metrics.latency.observe(labels, (Date.parse(String(report.scored_at)) - close.getTime()) / 1000);
      }
    }
  },
});

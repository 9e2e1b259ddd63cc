/**
 * `consistency_gate`: the multi-source consistency check of Silver (DQ-CON-01, domain spec §6).
 *
 * Input: fused rows, one per (symbol, trade_date), carrying both sources' raw values
 * (`close_qmt`, `close_ts`, `volume_qmt`, `volume_ts`, plus `high`/`low`/`pre_close` for the
 * volatility index; see docs/quality.md for the contract and the accepted aliases).
 * Per trading day it computes the volatility index, the effective tolerance, per-row flags and
 * the ratio of consistent rows. A day at or above the target goes out `out` (flagged); a day below
 * goes out `quarantine` whole, one row per record with the reasons, and nothing of it is published.
 * Diffs above the review threshold go out `review`; one summary per day goes out `verdict`.
 */
import { ulid } from 'ulid';
import type { Rec } from '../../engine/api/index.ts';
import { defineOperator } from '../../engine/api/index.ts';
import { board } from '../lib/quality/board.ts';
import { evaluateGroup, exceeds, type GroupVerdict, type RowCheck } from '../lib/quality/consistency.ts';
import { gateMetrics } from '../lib/quality/metrics.ts';
import { num, round } from '../lib/quality/num.ts';
import { withSourceColumns } from '../lib/quality/source-values.ts';
import type { QualityPolicySpec } from '../lib/quality/types.ts';

export interface ConsistencyGateConfig {
  /** Name of the QualityPolicy document (default `default`). */
  policy?: string;
  /** Overrides the policy's `consistency.group_by` (`null`: the whole batch is one unit). */
  group_by?: string | null;
  /** Rows to forward to `out` untouched and leave out of the check (e.g. fuse's passthrough datasets). */
  passthrough?: { field: string; values: string[] };
}

export default defineOperator<ConsistencyGateConfig>({
  type: 'consistency_gate',
  role: 'transform',
  description:
    'Compares QMT vs Tushare raw close/volume per (symbol, trade_date) with the dynamic tolerance of a QualityPolicy; ' +
    'flags rows, and sends a trading day whose consistency ratio is below target to `quarantine` instead of `out`.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      policy: { type: 'string', default: 'default', description: 'QualityPolicy name' },
      group_by: {
        type: ['string', 'null'],
        description: 'Record field that defines the verdict unit (default from the policy: trade_date)',
      },
      passthrough: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'values'],
        properties: { field: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } },
        description:
          'Rows whose `field` is one of `values` are forwarded to `out` unchecked (e.g. {field: dataset, values: [dividend]})',
      },
    },
  },
  ports: ['out', 'quarantine', 'review', 'verdict'],
  examples: [
    {
      title: 'Gate fused rows with the default policy',
      config: { policy: 'default' },
      input: [
        {
          symbol: '600519.SH',
          trade_date: '2024-12-31',
          close_qmt: 1524.0,
          close_ts: 1524.0,
          volume_qmt: 3935200,
          volume_ts: 3935200,
        },
      ],
      output: [
        {
          symbol: '600519.SH',
          trade_date: '2024-12-31',
          dq_consistent: true,
          dq_close_diff: 0,
          dq_volume_diff: 0,
        },
      ],
    },
  ],
  create(config, ctx) {
    const policy = ctx.spec<QualityPolicySpec>('QualityPolicy', config.policy ?? 'default').spec;
    const groupBy =
      config.group_by !== undefined ? config.group_by : (policy.consistency.group_by ?? 'trade_date');
    const vol = policy.dynamic.volatility_index;
    const columns = [
      ...policy.consistency.fields.flatMap((f) => [f.primary, f.secondary]),
      ...vol.high,
      ...vol.low,
      ...vol.reference,
    ];
    const metrics = gateMetrics(ctx.metrics);
    const labels = { pipeline: ctx.pipeline };
    // Counters start at 0 so that the first quarantine is an increase Prometheus can see
    // (`increase()` of a series that appears at 1 is 0: the first incident would never alert).
    metrics.quarantinedBatches.inc({ ...labels, node: ctx.node }, 0);
    metrics.quarantinedRecords.inc({ ...labels, node: ctx.node }, 0);

    return {
      kind: 'batch',
      process(batch, emit) {
        const groups = new Map<string | null, Rec[]>();
        for (const r of batch.records) {
          if (config.passthrough && config.passthrough.values.includes(String(r[config.passthrough.field]))) {
            emit(r, 'out');
            continue;
          }
          const key = groupBy ? (r[groupBy] == null ? null : String(r[groupBy])) : null;
          const list = groups.get(key);
          if (list) list.push(r);
          else groups.set(key, [r]);
        }
        const override = num(batch.meta.volatility_index);
        for (const [key, originals] of groups) {
          const rows = originals.map((r) => withSourceColumns(r, columns));
          const v = evaluateGroup(rows, policy, key, override);
          const batchId = `${key ?? 'batch'}-${batch.meta.traceId ?? ulid()}`;
          const evaluatedAt = new Date().toISOString();
          const reviews = reviewRows(originals, v, policy.consistency.review_threshold, batchId);
          for (const r of reviews) emit(r, 'review');
          originals.forEach((rec, i) => {
            const flagged = { ...rec, ...flags(v.checks[i]) };
            if (v.verdict === 'published') emit(flagged, 'out');
            else emit(quarantineRow(rec, v, v.checks[i], batchId, evaluatedAt), 'quarantine');
          });
          const byBoard = boardRatios(originals, v.checks);
          emit(
            verdictRow(ctx.pipeline, ctx.node, v, batchId, reviews.length, byBoard, evaluatedAt),
            'verdict',
          );

          if (v.ratio !== null) metrics.ratio.set(labels, v.ratio);
          for (const [b, ratio] of Object.entries(byBoard))
            metrics.ratioByBoard.set({ ...labels, board: b }, ratio);
          if (v.volatility_index !== null) metrics.volatility.set(labels, v.volatility_index);
          for (const [field, tol] of Object.entries(v.tolerances))
            metrics.tolerance.set({ ...labels, field }, tol);
          for (const r of reviews) metrics.reviewDiffs.inc({ ...labels, field: String(r.field) });
          if (v.verdict === 'quarantined') {
            metrics.quarantinedBatches.inc({ ...labels, node: ctx.node });
            metrics.quarantinedRecords.inc({ ...labels, node: ctx.node }, originals.length);
            ctx.logger.warn(
              { trade_date: key, ratio: v.ratio, batch_id: batchId },
              v.reason ?? 'quarantined',
            );
          }
        }
      },
    };
  },
});

/** Per-row flags added to published rows (`dq_` columns; Gold's schema step drops them). */
function flags(c: RowCheck): Rec {
  const out: Rec = {
    dq_consistent: c.consistent,
    dq_reasons: c.reasons.length ? c.reasons.join('; ') : null,
  };
  for (const f of c.fields) out[`dq_${f.field}_diff`] = f.diff === undefined ? null : round(f.diff, 8);
  return out;
}

function quarantineRow(rec: Rec, v: GroupVerdict, c: RowCheck, batchId: string, at: string): Rec {
  const row: Rec = {
    batch_id: batchId,
    trade_date: rec.trade_date ?? null,
    symbol: rec.symbol ?? null,
    quarantined_at: at,
    batch_reason: v.reason,
    row_reasons: c.reasons.length ? c.reasons.join('; ') : null,
    row_consistent: c.consistent,
    batch_ratio: v.ratio,
    batch_target: v.target,
    volatility_index: v.volatility_index,
    multiplier: v.multiplier,
  };
  for (const f of c.fields) {
    row[`${f.field}_qmt`] = f.primary ?? null;
    row[`${f.field}_ts`] = f.secondary ?? null;
    row[`${f.field}_diff`] = f.diff === undefined ? null : round(f.diff, 8);
  }
  // The full record, so a released batch can be replayed exactly.
  row.record = JSON.stringify(rec, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return row;
}

function reviewRows(recs: readonly Rec[], v: GroupVerdict, threshold: number, batchId: string): Rec[] {
  const out: Rec[] = [];
  recs.forEach((rec, i) => {
    for (const f of v.checks[i].fields)
      if (f.diff !== undefined && exceeds(f.diff, threshold))
        out.push({
          batch_id: batchId,
          trade_date: rec.trade_date ?? null,
          symbol: rec.symbol ?? null,
          field: f.field,
          qmt: f.primary,
          tushare: f.secondary,
          diff: Number.isFinite(f.diff) ? round(f.diff, 8) : null,
          tolerance: f.tolerance,
          verdict: v.verdict,
        });
  });
  return out;
}

function boardRatios(recs: readonly Rec[], checks: readonly RowCheck[]): Record<string, number> {
  const acc = new Map<string, { n: number; ok: number }>();
  recs.forEach((rec, i) => {
    if (!checks[i].overlapping) return;
    const b = board(rec.symbol);
    const a = acc.get(b) ?? { n: 0, ok: 0 };
    a.n++;
    if (checks[i].consistent) a.ok++;
    acc.set(b, a);
  });
  return Object.fromEntries([...acc].map(([b, a]) => [b, round(a.ok / a.n, 6)]));
}

function verdictRow(
  pipeline: string,
  node: string,
  v: GroupVerdict,
  batchId: string,
  reviews: number,
  byBoard: Record<string, number>,
  at: string,
): Rec {
  return {
    pipeline,
    node,
    batch_id: batchId,
    trade_date: v.group,
    rows: v.rows,
    overlapping: v.overlapping,
    consistent: v.consistent,
    consistency_ratio: v.ratio === null ? null : round(v.ratio, 6),
    target: v.target,
    volatility_index: v.volatility_index === null ? null : round(v.volatility_index, 6),
    multiplier: v.multiplier,
    ...Object.fromEntries(Object.entries(v.tolerances).map(([f, t]) => [`tolerance_${f}`, t])),
    verdict: v.verdict,
    reason: v.reason,
    review_count: reviews,
    board_ratios: JSON.stringify(byBoard),
    evaluated_at: at,
  };
}

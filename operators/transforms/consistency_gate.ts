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
 *
 * Column-wise: a day is checked over its columns (records in, or a column batch from fuse); a
 * published day goes out as the same table with the flag columns added, no record built.
 */
import type { ColumnTable } from 'arquero';
import { ulid } from 'ulid';
import type { Rec } from '../../engine/api/index.ts';
import { column, columnsOf, defineOperator } from '../../engine/api/index.ts';
import { BOARDS, boardIndex } from '../lib/quality/board.ts';
import { evaluateGroup, exceeds, orNull, type GroupVerdict } from '../lib/quality/consistency.ts';
import { gateMetrics } from '../lib/quality/metrics.ts';
import { num, round } from '../lib/quality/num.ts';
import { groupTable, indicesOf, recordsAt, splitRows } from '../lib/quality/rows.ts';
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
    const metrics = gateMetrics(ctx.metrics);
    const labels = { pipeline: ctx.pipeline };
    // Counters start at 0 so that the first quarantine is an increase Prometheus can see
    // (`increase()` of a series that appears at 1 is 0: the first incident would never alert).
    metrics.quarantinedBatches.inc({ ...labels, node: ctx.node }, 0);
    metrics.quarantinedRecords.inc({ ...labels, node: ctx.node }, 0);

    return {
      kind: 'batch',
      process(batch, emit) {
        // Column-wise: the day's table goes out with four flag columns added (no record is built);
        // only the small side outputs (verdict, review, quarantine) are records.
        const t = columnsOf(batch);
        const split = splitRows(t, groupBy, config.passthrough);
        for (const r of recordsAt(batch, t, split.passthrough)) emit(r, 'out');
        const override = num(batch.meta.volatility_index);
        for (const { key, rows } of split.groups) {
          const day = groupTable(t, rows);
          const v = evaluateGroup(day, policy, key, override);
          const batchId = `${key ?? 'batch'}-${batch.meta.traceId ?? ulid()}`;
          const evaluatedAt = new Date().toISOString();
          const reviews = reviewRows(day, v, policy.consistency.review_threshold, batchId);
          for (const r of reviews) emit(r, 'review');
          if (v.verdict === 'published') emit.table(day.assign(flags(v)), 'out');
          else {
            // A quarantined day (rare) is replayed from its records: build them for it alone.
            const originals = recordsAt(batch, t, indicesOf(rows, v.rows));
            originals.forEach((rec, i) => emit(quarantineRow(rec, v, i, batchId, evaluatedAt), 'quarantine'));
          }
          const byBoard = boardRatios(day, v);
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
            metrics.quarantinedRecords.inc({ ...labels, node: ctx.node }, v.rows);
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

/** Per-row flag columns added to published rows (`dq_` columns; Gold's schema step drops them). */
function flags(v: GroupVerdict): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = { dq_consistent: v.rowConsistent, dq_reasons: v.rowReasons };
  for (const f of v.fields) {
    const diffs = new Array<number | null>(f.diff.length);
    for (let i = 0; i < diffs.length; i++) {
      const d = f.diff[i];
      diffs[i] = d === 0 ? 0 : Number.isNaN(d) ? null : round(d, 8); // agreeing sources, the usual case, first
    }
    out[`dq_${f.field}_diff`] = diffs;
  }
  return out;
}

function quarantineRow(rec: Rec, v: GroupVerdict, i: number, batchId: string, at: string): Rec {
  const row: Rec = {
    batch_id: batchId,
    trade_date: rec.trade_date ?? null,
    symbol: rec.symbol ?? null,
    quarantined_at: at,
    batch_reason: v.reason,
    row_reasons: v.rowReasons[i],
    row_consistent: v.rowConsistent[i],
    batch_ratio: v.ratio,
    batch_target: v.target,
    volatility_index: v.volatility_index,
    multiplier: v.multiplier,
  };
  for (const f of v.fields) {
    row[`${f.field}_qmt`] = orNull(f.primary[i]);
    row[`${f.field}_ts`] = orNull(f.secondary[i]);
    row[`${f.field}_diff`] = Number.isNaN(f.diff[i]) ? null : round(f.diff[i], 8);
  }
  // The full record, so a released batch can be replayed exactly.
  row.record = JSON.stringify(rec, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return row;
}

/** Diffs above the review threshold, row by row (then field by field), for the review table. */
function reviewRows(day: ColumnTable, v: GroupVerdict, threshold: number, batchId: string): Rec[] {
  // Scan field by field (few hits), then order the hits row by row as the review table lists them.
  const F = v.fields.length;
  const hits: number[] = [];
  v.fields.forEach((f, k) => {
    for (let i = 0; i < v.rows; i++) if (exceeds(f.diff[i], threshold)) hits.push(i * F + k); // NaN never exceeds
  });
  hits.sort((a, b) => a - b);
  const dates = column<unknown>(day, 'trade_date');
  const symbols = column<unknown>(day, 'symbol');
  return hits.map((h) => {
    const i = Math.floor(h / F);
    const f = v.fields[h % F];
    const diff = f.diff[i];
    return {
      batch_id: batchId,
      trade_date: dates?.[i] ?? null,
      symbol: symbols?.[i] ?? null,
      field: f.field,
      qmt: f.primary[i],
      tushare: f.secondary[i],
      diff: Number.isFinite(diff) ? round(diff, 8) : null,
      tolerance: f.tolerance,
      verdict: v.verdict,
    };
  });
}

/** Consistent / overlapping rows per board (rounded), boards in order of first appearance. */
function boardRatios(day: ColumnTable, v: GroupVerdict): Record<string, number> {
  const n = new Int32Array(BOARDS.length);
  const ok = new Int32Array(BOARDS.length);
  const order: number[] = [];
  countBoards(column<unknown>(day, 'symbol'), v.rowConsistent, v.rows, n, ok, order);
  return Object.fromEntries(order.map((b) => [BOARDS[b], round(ok[b] / n[b], 6)]));
}

/**
 * Overlapping (`n`) and consistent (`ok`) rows per board index, boards listed in `order` as they
 * first appear. Alone in its function with nothing after the loop (code after a loop V8 compiled
 * mid-run, before that code ran, sends the compiled loop back to the interpreter every day).
 */
function countBoards(
  symbols: ArrayLike<unknown> | undefined,
  consistent: readonly (boolean | null)[],
  rows: number,
  n: Int32Array,
  ok: Int32Array,
  order: number[],
): void {
  for (let i = 0; i < rows; i++) {
    const c = consistent[i];
    if (c === null) continue;
    const b = boardIndex(symbols?.[i]);
    if (n[b]++ === 0) order.push(b);
    if (c) ok[b]++;
  }
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

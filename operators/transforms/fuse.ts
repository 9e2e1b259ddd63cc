/**
 * `fuse`: joins Bronze rows of several sources per (symbol, trade_date) and resolves every field by
 * the SourcePriority policy (first valid value by priority, `<field>_source` lineage). It holds each
 * trading day's batches (and their acknowledgements) until every expected stream has moved past the
 * day (Bronze partitions arrive in date order) or delivered and went quiet, or until the deadline
 * (see {@link DayBuffer}), then emits the day as one batch (meta `trade_date`,
 * `partitionTxnVersion` (see {@link dayVersion}), `fusion.reason`), so the Gold sink commits one day atomically.
 *
 * Column-wise: Bronze batches are read as columns (`columnsOf`: tables from the delta source, or
 * records), held without copying a row, and a day is fused with a few passes per (field, source)
 * over its keys (see {@link indexDay} and `compileFusion`); the day leaves as one column table.
 *
 * Ports: `out` (fused rows, plus passthrough datasets ahead of them), `late` (rows for a day already
 * fused: re-run that day), `error` (rows without key or from an unknown source, with the reason).
 *
 * @example
 * - id: fuse
 *   type: fuse
 *   inputs: [bronze]
 *   config: {policy: a_share_daily, deadline_ms: 600000, quiet_ms: 2000}
 */
import { Observable } from 'rxjs';
import type { Batch, PortBatch, Rec, SpecDoc } from '../../engine/api/index.ts';
import {
  column,
  defineOperator,
  derive,
  deriveTable,
  merge,
  rowCount,
  settle,
} from '../../engine/api/index.ts';
import { DayBuffer, type Day } from '../lib/fusion/day-buffer.ts';
import { indexDay, type DayPart } from '../lib/fusion/day-index.ts';
import { KeyDictionary } from '../lib/fusion/key-dictionary.ts';
import { compileFusion } from '../lib/fusion/resolve.ts';
import type { SourcePrioritySpec } from '../lib/fusion/policy.ts';

export interface FuseConfig {
  /** Name of the SourcePriority document. */
  policy: string;
  /** Longest wait after a day's first row before fusing with what is there (ms). */
  deadline_ms?: number;
  /** Quiet period after the last row once every expected source is in (ms). */
  quiet_ms?: number;
  /** How often the deadline is checked (ms). */
  tick_ms?: number;
}

/**
 * The Delta txn version of a fused day: the newest Bronze ingest time of its rows (epoch seconds).
 * Re-fusing the same Bronze rows yields the same version (the Gold commit is skipped: idempotent);
 * a correction ingested later yields a greater one (the day is replaced). It is only monotonic per
 * day, so a writer must scope it per partition (txn appId `<app_id>:<trade_date>`); that is why it
 * is `meta.partitionTxnVersion` and not the sink's table-wide `meta.txnVersion`, which would skip an
 * older day committed after a newer one. Without ingest times it falls back to the day (`20240614`).
 * @example dayVersion('2024-06-14', newestIngest(day.parts)) // 1718351100, or 20240614 without times
 */
export function dayVersion(date: string, newestMs = 0): number {
  if (newestMs > 0) return Math.floor(newestMs / 1000);
  const v = Number(date.replaceAll('-', ''));
  if (!Number.isInteger(v)) throw new Error(`fuse: trade_date ${JSON.stringify(date)} is not YYYY-MM-DD`);
  return v;
}

/** The newest `fetched_at` (a Date or an ISO string) of the day's rows, epoch ms; 0 without any. */
export function newestIngest(parts: readonly DayPart[]): number {
  let newest = 0;
  let lastText: unknown;
  let lastTime = Number.NaN;
  for (const { table, rows } of parts) {
    const col = column(table, 'fetched_at');
    if (!col) continue;
    const n = rows ? rows.length : col.length;
    for (let j = 0; j < n; j++) {
      const v = col[rows ? rows[j] : j];
      let t: number;
      if (v instanceof Date) t = v.getTime();
      else if (typeof v === 'string') {
        // A day's rows mostly share a few ingest times: parse each distinct run once.
        if (v !== lastText) {
          lastText = v;
          lastTime = Date.parse(v);
        }
        t = lastTime;
      } else continue;
      if (t > newest) newest = t;
    }
  }
  return newest;
}

export default defineOperator<FuseConfig>({
  type: 'fuse',
  role: 'transform',
  description:
    'Joins sources per (symbol, trade_date) and takes every field from the first source whose value is valid by the SourcePriority policy, with <field>_source lineage; emits one batch per trading day.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['policy'],
    properties: {
      policy: { type: 'string', description: 'SourcePriority document name' },
      deadline_ms: { type: 'integer', minimum: 0, default: 600000 },
      quiet_ms: { type: 'integer', minimum: 0, default: 2000 },
      tick_ms: { type: 'integer', minimum: 1, default: 250 },
    },
  },
  examples: [
    {
      title: 'QMT first, Tushare as backup',
      config: { policy: 'a_share_daily', deadline_ms: 600000 },
      input: [
        {
          source: 'qmt',
          dataset: 'hist_kline',
          symbol: '600519.SH',
          trade_date: '2024-06-14',
          open: 1500,
          high: 1510,
          low: 1490,
          close: 1500,
          volume: 100,
          amount: 150000,
        },
        {
          source: 'tushare',
          dataset: 'daily',
          symbol: '600519.SH',
          trade_date: '2024-06-14',
          open: 1500,
          high: 1510,
          low: 1490,
          close: 1501,
          volume: 100,
          amount: 150000,
        },
      ],
      output: [{ symbol: '600519.SH', trade_date: '2024-06-14', close: 1500, close_source: 'miniQMT' }],
    },
  ],
  ports: ['out', 'late'],
  create(config, ctx) {
    const doc: SpecDoc<SourcePrioritySpec> = ctx.spec<SourcePrioritySpec>('SourcePriority', config.policy);
    const spec = doc.spec;
    const fuser = compileFusion(spec);
    const sources = Object.keys(spec.sources);
    const quietMs = config.quiet_ms ?? 2000;
    const deadlineMs = config.deadline_ms ?? 600000;
    const tickMs =
      config.tick_ms ??
      Math.max(1, Math.min(250, Math.floor(Math.min(quietMs || 250, deadlineMs || 250) / 2)));
    const fusedRows = ctx.metrics.counter('argus_fuse_rows_total', 'Fused Gold-candidate rows', [
      'pipeline',
      'node',
      'reason',
    ]);
    const errorRows = ctx.metrics.counter('argus_fuse_rejected_rows_total', 'Rows fuse could not use', [
      'pipeline',
      'node',
      'port',
    ]);

    const emitDay = (day: Day, reason: string, keys: KeyDictionary): PortBatch => {
      const table = fuser.fuseDay(indexDay(day.parts, fuser.keyColumns, keys));
      const missing = (spec.expect ?? sources).filter((s) => !day.streams.has(s));
      if (missing.length)
        ctx.logger.warn(
          { trade_date: day.trade_date, missing, reason },
          'fuse: proceeding without every source',
        );
      fusedRows.inc({ pipeline: ctx.pipeline, node: ctx.node, reason }, table.numRows());
      // The shares' acks and meta only: their rows are in day.parts (merging them would copy them).
      const held = merge(day.shares.map((b) => ({ records: [], meta: b.meta, acks: b.acks })));
      const meta = {
        ...held.meta,
        trade_date: day.trade_date,
        partitionTxnVersion: dayVersion(day.trade_date, newestIngest(day.parts)),
        fusion: {
          reason,
          sources: [...day.sources].sort(),
          missing_sources: missing,
          policy: `${doc.metadata.name}@${doc.metadata.version}`,
        },
      };
      return { port: 'out', batch: deriveTable(held, table, meta) };
    };

    const asErrors = (b: Batch): Batch =>
      derive(
        b,
        b.records.map((r) => ({ node: ctx.node, at: new Date().toISOString(), ...(r as Rec) })),
      );

    return {
      kind: 'stream',
      operator: (input) =>
        new Observable<Batch | PortBatch>((subscriber) => {
          const buffer = new DayBuffer({
            keyColumns: fuser.keyColumns,
            sources,
            expect: spec.expect ?? sources,
            datasets: fuser.datasets,
            passthrough: new Set(spec.passthrough ?? []),
            quietMs,
            deadlineMs,
          });
          // The market's symbols, remembered from day to day (see KeyDictionary).
          const keys = new KeyDictionary();
          let timer: NodeJS.Timeout | undefined;
          const flush = (all: boolean) => {
            for (const { day, reason } of buffer.takeReady(Date.now(), all))
              subscriber.next(emitDay(day, reason, keys));
            if (buffer.pending === 0 && timer) {
              clearInterval(timer);
              timer = undefined;
            }
          };
          const sub = input.subscribe({
            next(batch) {
              const routed = buffer.add(batch, Date.now());
              if (routed.passthrough) subscriber.next({ port: 'out', batch: routed.passthrough });
              if (routed.errors) {
                errorRows.inc(
                  { pipeline: ctx.pipeline, node: ctx.node, port: 'error' },
                  rowCount(routed.errors),
                );
                subscriber.next({ port: 'error', batch: asErrors(routed.errors) });
              }
              if (routed.late) {
                errorRows.inc(
                  { pipeline: ctx.pipeline, node: ctx.node, port: 'late' },
                  rowCount(routed.late),
                );
                subscriber.next({ port: 'late', batch: routed.late });
              }
              // Rows of datasets no field reads: consumed on purpose, like a filter would.
              if (routed.skipped) settle(routed.skipped, 'delivered');
              flush(false);
              if (buffer.pending > 0 && !timer) timer = setInterval(() => flush(false), tickMs);
            },
            error(err) {
              if (timer) clearInterval(timer);
              subscriber.error(err);
            },
            complete() {
              flush(true);
              subscriber.complete();
            },
          });
          return () => {
            if (timer) clearInterval(timer);
            sub.unsubscribe();
            // Stopped with days still held (reload, shutdown): not durable, so the source redelivers.
            for (const { day } of buffer.takeReady(Date.now(), true))
              for (const share of day.shares) settle(share, 'errored');
          };
        }),
    };
  },
});

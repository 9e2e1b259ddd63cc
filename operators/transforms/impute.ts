/**
 * `impute`: fills what every source missed in fused Silver rows, as an `ImputePolicy` says. Key
 * fields (OHLC, volume, turnover) are forecast by Prophet in a supervised Python worker (the
 * project venv), with native TypeScript models standing in when the worker is unavailable; other
 * fields are carried forward, else take their industry's mean that day. Every imputed value is
 * flagged (`<field>_source` = `Imputed_ML` / `Imputed_Static`, `imputed_fields`, `imputation` with
 * the interval, `impute_penalty` for the quality score). Per trading day it emits missing rates on
 * `stats` and DQ-COM-01 alert signals on `alerts`. Contract: `docs/impute.md`.
 *
 * Column-wise: a batch's table is scanned for missing cells field by field, and only the rows with
 * a gap are materialised and imputed. The table goes out with every column no imputed value
 * touched shared as is (complete rows cost a scan and the history update, no record copy), plus
 * `imputed_fields` / `impute_penalty` (shared frozen constants on complete rows).
 *
 * @example
 * - id: impute
 *   type: impute
 *   inputs: [fuse, stock_basic]
 *   config: {policy: default, history: {table: gold/a_share_daily, unadjust: {factor: adj_factor, fields: [open, high, low, close]}}}
 */
import { join } from 'node:path';
import type { ColumnTable } from 'arquero';
import type { Context, Lake, Rec } from '../../engine/api/index.ts';
import { column, columnsOf, defineOperator } from '../../engine/api/index.ts';
import { missingRateAlerts } from '../lib/impute/alerts.ts';
import { NativeForecaster, type Forecaster } from '../lib/impute/forecast.ts';
import { Imputer, type DayStats } from '../lib/impute/imputer.ts';
import { resolvePolicy, type ImputePolicySpec } from '../lib/impute/policy.ts';
import { ProphetForecaster } from './impute/forecaster.ts';
import { loadLakeHistory, type HistoryTableConfig } from './impute/lake-history.ts';
import { splitRows } from './impute/split.ts';
import { ProphetWorker } from './impute/worker-client.ts';

export interface ImputeConfig {
  /** Name of the `ImputePolicy` document. */
  policy?: string;
  /** `prophet` (default): the Python worker, native fallback; `native`: never start the worker. */
  forecaster?: 'prophet' | 'native';
  /** Python with prophet installed; default `$ARGUS_PYTHON`, else `<root>/.argus/venv/bin/python`. */
  python?: string;
  worker?: {
    batch_size?: number;
    max_attempts?: number;
    start_timeout_ms?: number;
    request_timeout_ms?: number;
    per_series_timeout_ms?: number;
    cooldown_ms?: number;
  };
  /** Seed the per-symbol history from a Delta table before the first batch. */
  history?: HistoryTableConfig;
}

const int = (min: number) => ({ type: 'integer', minimum: min });

export default defineOperator<ImputeConfig>({
  type: 'impute',
  role: 'transform',
  description:
    'Imputes missing fields of fused rows by policy: Prophet (Python worker, native fallback) for key fields, forward fill then industry mean for the rest; flags every value, records intervals and quality penalties, alerts on missing rates',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      policy: { type: 'string', minLength: 1, default: 'default' },
      forecaster: { enum: ['prophet', 'native'], default: 'prophet' },
      python: { type: 'string', minLength: 1 },
      worker: {
        type: 'object',
        additionalProperties: false,
        properties: {
          batch_size: int(1),
          max_attempts: int(1),
          start_timeout_ms: int(100),
          request_timeout_ms: int(100),
          per_series_timeout_ms: int(0),
          cooldown_ms: int(0),
        },
      },
      history: {
        type: 'object',
        additionalProperties: false,
        required: ['table'],
        properties: {
          table: { type: 'string', minLength: 1 },
          lookback_days: int(1),
          unadjust: {
            type: 'object',
            additionalProperties: false,
            required: ['factor', 'fields'],
            properties: { factor: { type: 'string' }, fields: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    },
  },
  ports: ['out', 'alerts', 'stats'],
  examples: [
    { title: 'Prophet with the default policy', config: { policy: 'default' } },
    {
      title: 'History from Gold (hfq prices turned back into raw ones)',
      config: {
        policy: 'default',
        history: {
          table: 'gold/a_share_daily',
          lookback_days: 200,
          unadjust: { factor: 'adj_factor', fields: ['open', 'high', 'low', 'close'] },
        },
      },
    },
    { title: 'Native models only (no Python)', config: { policy: 'default', forecaster: 'native' } },
  ],
  create(config, ctx) {
    const policyName = config.policy ?? 'default';
    const policy = resolvePolicy(ctx.spec<ImputePolicySpec>('ImputePolicy', policyName).spec);
    const labels = { pipeline: ctx.pipeline, node: ctx.node };
    const m = metrics(ctx);
    let worker: ProphetWorker | undefined;
    let forecaster: Forecaster;
    if ((config.forecaster ?? 'prophet') === 'prophet') {
      const w = config.worker ?? {};
      worker = new ProphetWorker({
        python:
          config.python ??
          process.env.ARGUS_PYTHON ??
          join(ctx.paths.root, '.argus', 'venv', 'bin', 'python'),
        logger: ctx.logger,
        maxAttempts: w.max_attempts,
        startTimeoutMs: w.start_timeout_ms,
        cooldownMs: w.cooldown_ms,
        timeout: { baseMs: w.request_timeout_ms ?? 30_000, perSeriesMs: w.per_series_timeout_ms ?? 5_000 },
      });
      worker.on('restart', () => m.restarts.inc(labels));
      worker.on('start', () => m.up.set(labels, 1));
      worker.on('exit', () => m.up.set(labels, 0));
      forecaster = new ProphetForecaster(worker, {
        logger: ctx.logger,
        batchSize: w.batch_size,
        counter: m.forecasts,
      });
    } else forecaster = new NativeForecaster();
    const imputer = new Imputer(policy, forecaster);
    ctx.signal.addEventListener('abort', () => void worker?.close(), { once: true });
    let seeded = !config.history;

    return {
      kind: 'batch',
      async process(batch, emit) {
        const { data, keys, bad } = splitRows(columnsOf(batch), policy.industry, (s, i) =>
          imputer.setIndustry(s, i),
        );
        for (const record of bad)
          emit(
            {
              node: ctx.node,
              reason: 'impute needs symbol and trade_date (YYYY-MM-DD) on every row',
              at: new Date().toISOString(),
              record,
            },
            'error',
          );
        if (data.numRows() === 0) return;
        if (!seeded) {
          seeded = true;
          const first = keys.dates.reduce((a, d) => (d < a ? d : a));
          const table = config.history!.table;
          try {
            const history = await loadLakeHistory(
              ctx.backend<Lake>('lake'),
              config.history!,
              imputer.history.fields,
              first,
            );
            imputer.rememberTable(history);
            ctx.logger.info(
              { table, rows: history.numRows(), symbols: imputer.history.symbols },
              'impute history seeded from the lake',
            );
          } catch (err) {
            // Without the seed the node still imputes (ffill until it has seen min_history days): degrade, do not fail the batch.
            ctx.logger.error(
              { table, err: err instanceof Error ? err.message : String(err) },
              'impute could not load its history from the lake; starting empty',
            );
          }
        }
        const { table, days } = await imputer.processTable(data, keys);
        emit.table(table);
        for (const day of days) {
          emit(statsRecord(day, labels), 'stats');
          for (const a of missingRateAlerts(day, policy.alerts, labels)) emit(a, 'alerts');
        }
        record(m, labels, days, table);
      },
      async flush() {
        await worker?.close();
      },
    };
  },
});

function statsRecord(day: DayStats, labels: Record<string, string>): Rec {
  const { before: b, after: a } = day;
  return {
    ...labels,
    trade_date: day.trade_date,
    rows: a.rows,
    key_missing_rate_before: b.key_missing_rate,
    key_missing_max_before: b.key_missing_max,
    total_missing_rate_before: b.total_missing_rate,
    key_missing_rate: a.key_missing_rate,
    key_missing_max: a.key_missing_max,
    key_missing_field: a.key_missing_field,
    total_missing_rate: a.total_missing_rate,
    fields_before: b.fields,
    fields_after: a.fields,
    // Flat per-field rates (`close_missing_rate`) so AlertPolicy rules such as DQCloseMissing (P0) apply as is.
    ...Object.fromEntries(Object.entries(a.fields).map(([f, r]) => [`${f}_missing_rate`, r])),
    imputed: day.imputed,
    unfilled: day.unfilled,
  };
}

function metrics(ctx: Context) {
  const l = ['pipeline', 'node'] as const;
  return {
    values: ctx.metrics.counter('argus_impute_values_total', 'Values imputed, by field and method', [
      ...l,
      'field',
      'method',
    ]),
    unfilled: ctx.metrics.counter(
      'argus_impute_unfilled_total',
      'Missing values no method could fill, by field',
      [...l, 'field'],
    ),
    rate: ctx.metrics.gauge(
      'argus_impute_missing_rate',
      'Missing rate of the last trading day processed (stage before|after, scope key_max|total)',
      [...l, 'stage', 'scope'],
    ),
    forecasts: ctx.metrics.counter(
      'argus_impute_forecasts_total',
      'Series forecast, by model and whether a fallback stood in',
      ['model', 'reason'],
    ),
    restarts: ctx.metrics.counter(
      'argus_impute_worker_restarts_total',
      'Prophet worker restarts after a crash or hang',
      [...l],
    ),
    up: ctx.metrics.gauge('argus_impute_worker_up', 'Whether the Prophet worker process is running', [...l]),
  };
}

function record(
  m: ReturnType<typeof metrics>,
  labels: { pipeline: string; node: string },
  days: readonly DayStats[],
  table: ColumnTable,
): void {
  const last = [...days].sort((a, b) => a.trade_date.localeCompare(b.trade_date)).at(-1);
  for (const [stage, r] of last
    ? ([
        ['before', last.before],
        ['after', last.after],
      ] as const)
    : []) {
    m.rate.set({ ...labels, stage, scope: 'key_max' }, r.key_missing_max);
    m.rate.set({ ...labels, stage, scope: 'total' }, r.total_missing_rate);
  }
  // Counted per (field, method) first: one metric update per series, not per value.
  const values = new Map<string, number>();
  const imputation = column<Record<string, { method: string }> | undefined>(table, 'imputation') ?? [];
  for (let i = 0; i < imputation.length; i++)
    for (const [field, h] of Object.entries(imputation[i] ?? {})) {
      const k = `${field}\0${h.method}`;
      values.set(k, (values.get(k) ?? 0) + 1);
    }
  for (const [k, n] of values) {
    const [field, method] = k.split('\0');
    m.values.inc({ ...labels, field, method }, n);
  }
  const unfilled = new Map<string, number>();
  const left = column<{ field: string }[] | undefined>(table, 'impute_unfilled') ?? [];
  for (let i = 0; i < left.length; i++)
    for (const u of left[i] ?? []) unfilled.set(u.field, (unfilled.get(u.field) ?? 0) + 1);
  for (const [field, n] of unfilled) m.unfilled.inc({ ...labels, field }, n);
}

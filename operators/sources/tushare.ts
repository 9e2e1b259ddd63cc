/**
 * `tushare`: collects Tushare Pro datasets (daily, adj_factor, daily_basic, dividend, stock_basic,
 * trade_cal, report_rc) for a trade date or range, whole-market by date where the API allows it,
 * and emits one raw record per API response (page): `{source: 'tushare', dataset, symbol, params,
 * fetched_at, rows}` with Tushare's own field names and units. Rows that fail validation (types,
 * codes, dates, duplicates) and responses that cannot be parsed go to the `error` port with the
 * reason. Transient failures are retried (1 s, 2 s, 4 s); if they persist, or the token is
 * rejected (P0), or the daily quota is exhausted, the source fails so a `failover` can take over.
 */
import { defineOperator, type Emission, type Rec } from '../../engine/api/index.ts';
import { TushareAdapter, type TushareEvent } from './tushare/adapter.ts';
import { TushareError } from './tushare/errors.ts';
import {
  planRequests,
  shanghaiToday,
  TUSHARE_DATASETS,
  type PlannedRequest,
  type TushareDataset,
} from './tushare/plan.ts';
import { isQuotaExhausted, type TushareQuota } from './tushare/quota.ts';
import { deadLetter, rawRecord } from './tushare/raw.ts';
import { TUSHARE_SCHEMAS, validateRows } from './tushare/validate.ts';

interface Config {
  base_url?: string;
  token: string;
  datasets?: TushareDataset[];
  trade_date?: string;
  start_date?: string;
  end_date?: string;
  symbols?: 'all' | string[];
  /** Rows per page (default: the API's cap). */
  page_limit?: number;
  timeout_ms?: number;
  retry_delays_ms?: number[];
  rate_limit_wait_ms?: number;
  /** Backend role of a quota gate (`acquire(endpoint)`), e.g. `quota`. */
  quota?: string;
  /** `fail` ends the read (a failover switches); `skip` dead-letters the refused requests and goes on. */
  on_quota_exhausted?: 'fail' | 'skip';
  dataapi_path?: boolean;
}

const date = { type: 'string', pattern: '^\\d{8}$' };

export default defineOperator<Config>({
  type: 'tushare',
  role: 'source',
  description:
    'Collects Tushare Pro datasets into source-neutral raw records (one per response); bad payloads go to `error` with the reason.',
  ports: ['out'],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['token'],
    properties: {
      base_url: {
        type: 'string',
        pattern: '^https?://',
        default: 'http://api.tushare.pro',
        description: 'API root.',
      },
      token: {
        type: 'string',
        description:
          'Secret reference, e.g. ${secret:kv/argus/tushare#token}. Revealed per call, never logged.',
      },
      datasets: {
        type: 'array',
        items: { enum: [...TUSHARE_DATASETS] },
        minItems: 1,
        uniqueItems: true,
        default: ['daily'],
      },
      trade_date: {
        ...date,
        description: 'One trade date YYYYMMDD (default: today in Asia/Shanghai when no range is given).',
      },
      start_date: date,
      end_date: date,
      symbols: {
        oneOf: [
          { const: 'all' },
          { type: 'array', items: { type: 'string', pattern: '^[03468]\\d{5}\\.(SH|SZ|BJ)$' }, minItems: 1 },
        ],
        default: 'all',
      },
      page_limit: { type: 'integer', minimum: 1, maximum: 6000 },
      timeout_ms: { type: 'integer', minimum: 100, default: 30000 },
      retry_delays_ms: { type: 'array', items: { type: 'integer', minimum: 0 }, default: [1000, 2000, 4000] },
      rate_limit_wait_ms: { type: 'integer', minimum: 0, default: 60000 },
      quota: {
        type: 'string',
        description: 'Backend role providing the shared quota gate (acquire before every call).',
      },
      on_quota_exhausted: {
        enum: ['fail', 'skip'],
        default: 'fail',
        description:
          'fail: the source fails (a failover takes over; a supplementary job fails with P1). skip: each refused request goes to `error` (P1) and the other datasets are still collected, so fusion runs on miniQMT alone.',
      },
      dataapi_path: {
        type: 'boolean',
        default: false,
        description: 'POST to <base>/dataapi/<api_name> (newer SDK style).',
      },
    },
  },
  examples: [
    {
      title: 'Whole market for one trading day',
      config: {
        base_url: '${env:TUSHARE_URL}',
        token: '${secret:kv/argus/tushare#token}',
        datasets: ['daily', 'adj_factor', 'daily_basic'],
        trade_date: '20241231',
      },
      output: [
        {
          source: 'tushare',
          dataset: 'daily',
          symbol: null,
          params: { trade_date: '20241231' },
          fetched_at: '2025-01-01T08:00:00.000Z',
          rows: [{ ts_code: '000001.SZ', trade_date: '20241231', close: 11.7 }],
        },
      ],
    },
  ],
  create(config, ctx) {
    const secret = ctx.secret(config.token);
    const start = config.start_date ?? config.trade_date ?? shanghaiToday();
    const end = config.end_date ?? config.trade_date ?? start;
    if (start > end) throw new Error(`tushare ${ctx.node}: start_date ${start} is after end_date ${end}`);
    const datasets = config.datasets ?? ['daily'];
    const symbols = config.symbols ?? 'all';
    let adapter: TushareAdapter | undefined;

    const onEvent = (e: TushareEvent) => {
      const log = e.level === 'P2' ? ctx.logger.debug.bind(ctx.logger) : ctx.logger.warn.bind(ctx.logger);
      log({ event: e.type, api: e.api, level: e.level, attempt: e.attempt }, e.message);
    };

    return {
      kind: 'source',
      async start() {
        const quota = config.quota ? ctx.backend<TushareQuota>(config.quota) : undefined;
        adapter = new TushareAdapter({
          baseUrl: config.base_url ?? 'http://api.tushare.pro',
          token: () => secret.reveal(),
          quota,
          metrics: ctx.metrics,
          retryDelaysMs: config.retry_delays_ms,
          rateLimitWaitMs: config.rate_limit_wait_ms,
          timeoutMs: config.timeout_ms,
          dataapiPath: config.dataapi_path,
          onEvent,
        });
      },
      async *read(signal): AsyncIterable<Emission> {
        const ts = adapter!;
        // Whole-market per-day requests need the open days of the range.
        let days: string[] = [start];
        const perDay =
          symbols === 'all' &&
          datasets.some((d) => d !== 'trade_cal' && d !== 'stock_basic' && d !== 'report_rc');
        if (perDay && start !== end) {
          const cal = await ts.fetchAll(
            'trade_cal',
            { exchange: 'SSE', start_date: start, end_date: end, is_open: '1' },
            { signal },
          );
          days = cal.map((r) => String(r.cal_date)).sort();
        }
        const plan: PlannedRequest[] = datasets.flatMap((d) =>
          planRequests(d, { days, symbols, start, end }),
        );
        for (const req of plan) {
          if (signal.aborted) return;
          const base = {
            source: 'tushare' as const,
            dataset: req.api,
            symbol: req.symbol,
            params: req.params,
          };
          try {
            for await (const page of ts.pages(req.api, req.params, { limit: config.page_limit, signal })) {
              const { good, bad } = validateRows(page.rows, TUSHARE_SCHEMAS[req.api]);
              const records: Rec[] = [
                rawRecord('tushare', req.api, req.symbol, page.params, page.fetchedAt, good),
              ];
              yield { records, meta: { dataset: req.api } };
              if (bad.length)
                yield {
                  port: 'error',
                  records: bad.map((b) =>
                    deadLetter(ctx.node, b.reason, {
                      ...base,
                      params: page.params,
                      fetched_at: page.fetchedAt,
                      rows: [b.row],
                    }),
                  ),
                };
            }
          } catch (err) {
            if (signal.aborted) return;
            // The request failed as a whole: one dead letter with its class and level.
            const failed = (why: Rec): Emission => ({
              port: 'error',
              records: [
                deadLetter(
                  ctx.node,
                  (err as Error).message,
                  { ...base, fetched_at: new Date().toISOString() },
                  why,
                ),
              ],
            });
            if (config.on_quota_exhausted === 'skip' && isQuotaExhausted(err)) {
              yield failed({ kind: 'quota_exhausted', code: null, level: 'P1' });
              continue;
            }
            // Persistent transient failures, a rejected token and quota exhaustion end the read
            // (a failover source switches); anything else is this request's problem only.
            if (!(err instanceof TushareError) || err.fatal || err.failover) throw err;
            yield failed({ kind: err.kind, code: err.code ?? null, level: err.level });
          }
        }
      },
      async close() {
        await adapter?.close();
      },
    };
  },
});

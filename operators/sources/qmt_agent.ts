/**
 * `qmt_agent`: collects miniQMT data through the QMT data agent's HTTP API. Daily bars are
 * requested in symbol batches (`symbols=`) so a whole market fits in the agent's 20 requests/min;
 * the client follows the `X-RateLimit-IP-Minute-*` headers and never sends over the limit. Emits
 * one raw record per symbol of each response (`{source: 'qmt', dataset: 'daily', symbol, params,
 * fetched_at, rows}`, rows as the agent sent them) and one per response for the other datasets
 * (`trading_dates`, `stock_list`, `instrument_detail`, `latest`). Bad rows and unparseable
 * answers go to the `error` port with the reason; a rejected API key (P0) or an agent that stays
 * down after bounded retries fails the source so a `failover` can switch to Tushare.
 */
import { defineOperator, type Emission, type Rec } from '../../engine/api/index.ts';
import { QmtClient, QmtError } from './qmt/client.ts';
import { QMT_BAR, QMT_SYMBOL } from './qmt/validate.ts';
import { shanghaiToday } from './tushare/plan.ts';
import { deadLetter, rawRecord } from './tushare/raw.ts';
import { validateRows } from './tushare/validate.ts';

const DATASETS = ['daily', 'trading_dates', 'stock_list', 'instrument_detail', 'latest'] as const;
type Dataset = (typeof DATASETS)[number];

interface Config {
  base_url: string;
  api_key: string;
  datasets?: Dataset[];
  /** Alias of `datasets: [x]`. */
  dataset?: Dataset;
  trade_date?: string;
  start_date?: string;
  end_date?: string;
  symbols?: 'all' | string[];
  /** Sector listing the market when `symbols: all`. */
  sector?: string;
  market?: string;
  batch_size?: number;
  timeout_ms?: number;
  retry_delays_ms?: number[];
  rejection_wait_ms?: number;
  rate_limit?: { per_minute?: number; per_hour?: number; window_ms?: number };
}

const date = { type: 'string', pattern: '^\\d{8}$' };

export default defineOperator<Config>({
  type: 'qmt_agent',
  role: 'source',
  description:
    'Collects miniQMT daily bars and reference data from the QMT data agent (batched, rate-limit aware) into source-neutral raw records.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['base_url', 'api_key'],
    properties: {
      base_url: {
        type: 'string',
        pattern: '^https?://',
        description: 'Agent base URL, e.g. http://10.0.0.5:8000.',
      },
      api_key: {
        type: 'string',
        description:
          'Secret reference, e.g. ${secret:kv/argus/qmt#api_key}. Revealed per call, never logged.',
      },
      datasets: {
        type: 'array',
        items: { enum: [...DATASETS] },
        minItems: 1,
        uniqueItems: true,
        default: ['daily'],
      },
      dataset: { enum: [...DATASETS] },
      trade_date: date,
      start_date: date,
      end_date: date,
      symbols: {
        oneOf: [
          { const: 'all' },
          { type: 'array', items: { type: 'string', pattern: '^[03468]\\d{5}\\.(SH|SZ|BJ)$' }, minItems: 1 },
        ],
        default: 'all',
      },
      sector: { type: 'string', default: '沪深京A股' },
      market: { enum: ['SH', 'SZ', 'BJ'], default: 'SH' },
      batch_size: {
        type: 'integer',
        minimum: 1,
        maximum: 1000,
        default: 500,
        description: 'Symbols per hist_kline request.',
      },
      timeout_ms: { type: 'integer', minimum: 100, default: 20000 },
      retry_delays_ms: { type: 'array', items: { type: 'integer', minimum: 0 }, default: [1000, 2000, 4000] },
      rejection_wait_ms: {
        type: 'integer',
        minimum: 0,
        default: 61000,
        description: 'Wait before concluding a bare-500 rejection is an auth failure.',
      },
      rate_limit: {
        type: 'object',
        additionalProperties: false,
        properties: {
          per_minute: { type: 'integer', minimum: 1, default: 20 },
          per_hour: { type: 'integer', minimum: 1, default: 300 },
          window_ms: {
            type: 'integer',
            minimum: 100,
            default: 60000,
            description: 'Length of the per-minute window (change only for tests).',
          },
        },
      },
    },
  },
  examples: [
    {
      title: 'Whole market daily bars for one day',
      config: {
        base_url: '${env:QMT_AGENT_URL}',
        api_key: '${secret:kv/argus/qmt#api_key}',
        datasets: ['daily'],
        trade_date: '20241231',
        symbols: 'all',
      },
      output: [
        {
          source: 'qmt',
          dataset: 'daily',
          symbol: '600519.SH',
          params: { symbol: '600519.SH', start_date: '20241231', end_date: '20241231', frequency: '1d' },
          fetched_at: '2025-01-01T08:00:00.000Z',
          rows: [{ date: '20241231', open: 1525.4, close: 1524, volume: 39354, amount: 6033540366 }],
        },
      ],
    },
  ],
  create(config, ctx) {
    const secret = ctx.secret(config.api_key);
    const start = config.start_date ?? config.trade_date ?? shanghaiToday();
    const end = config.end_date ?? config.trade_date ?? start;
    if (start > end) throw new Error(`qmt_agent ${ctx.node}: start_date ${start} is after end_date ${end}`);
    const datasets: Dataset[] = config.datasets ?? (config.dataset ? [config.dataset] : ['daily']);
    let client: QmtClient | undefined;

    return {
      kind: 'source',
      async start() {
        client = new QmtClient({
          baseUrl: config.base_url,
          apiKey: () => secret.reveal(),
          timeoutMs: config.timeout_ms,
          retryDelaysMs: config.retry_delays_ms,
          rejectionWaitMs: config.rejection_wait_ms,
          rateLimit: {
            perMinute: config.rate_limit?.per_minute,
            perHour: config.rate_limit?.per_hour,
            windowMs: config.rate_limit?.window_ms,
          },
          onEvent: (e) =>
            ctx.logger[e.type === 'fatal' ? 'error' : 'debug'](
              { event: e.type, endpoint: e.endpoint },
              e.message,
            ),
        });
      },
      async *read(signal): AsyncIterable<Emission> {
        const qmt = client!;
        const base = (dataset: string, symbol: string | null, params: Rec) => ({
          source: 'qmt' as const,
          dataset,
          symbol,
          params,
        });
        const fail = (err: unknown, b: Rec): Emission => {
          // An agent that stays down, or a rejected key, ends the read (failover); the rest is per request.
          if (!(err instanceof QmtError) || err.fatal || err.retryable) throw err;
          return {
            port: 'error',
            records: [
              deadLetter(
                ctx.node,
                err.message,
                { ...b, fetched_at: new Date().toISOString() },
                { kind: err.kind, status: err.status ?? null },
              ),
            ],
          };
        };
        let universe: string[] | undefined =
          config.symbols === 'all' || !config.symbols ? undefined : config.symbols;
        const listSymbols = async () => {
          const res = await qmt.stockList(config.sector ?? '沪深京A股', signal);
          if (!Array.isArray(res.data))
            throw new QmtError(
              'malformed',
              'stock_list_in_sector',
              `expected a list of symbols, got ${typeof res.data}`,
            );
          const good = res.data.filter((s): s is string => typeof s === 'string' && QMT_SYMBOL.test(s));
          return { res, good, bad: res.data.filter((s) => !(typeof s === 'string' && QMT_SYMBOL.test(s))) };
        };
        for (const ds of datasets) {
          if (signal.aborted) return;
          if (ds === 'stock_list' || (!universe && ds !== 'trading_dates')) {
            const params = { sector_name: config.sector ?? '沪深京A股' };
            try {
              const { res, good, bad } = await listSymbols();
              universe ??= good;
              if (ds === 'stock_list')
                yield {
                  records: [
                    rawRecord(
                      'qmt',
                      'stock_list',
                      null,
                      params,
                      res.fetchedAt,
                      good.map((symbol) => ({ symbol })),
                    ),
                  ],
                };
              if (bad.length)
                yield {
                  port: 'error',
                  records: bad.map((s) =>
                    deadLetter(ctx.node, `invalid symbol ${JSON.stringify(s)} in stock list`, {
                      ...base('stock_list', null, params),
                      fetched_at: res.fetchedAt,
                      rows: [{ symbol: s }],
                    }),
                  ),
                };
            } catch (err) {
              yield fail(err, base('stock_list', null, params));
              continue;
            }
            if (ds === 'stock_list') continue;
          }
          if (ds === 'trading_dates') {
            const params = { market: config.market ?? 'SH', start_date: start, end_date: end };
            try {
              const res = await qmt.tradingDates(params.market, start, end, signal);
              const list = Array.isArray(res.data) ? res.data : [];
              const ok = list.filter((d) => typeof d === 'string' && /^\d{8}$/.test(d));
              yield {
                records: [
                  rawRecord(
                    'qmt',
                    'trading_dates',
                    null,
                    params,
                    res.fetchedAt,
                    ok.map((date) => ({ date })),
                  ),
                ],
              };
              if (!Array.isArray(res.data) || ok.length !== list.length)
                yield {
                  port: 'error',
                  records: [
                    deadLetter(ctx.node, 'trading dates: expected a list of YYYYMMDD strings', {
                      ...base('trading_dates', null, params),
                      fetched_at: res.fetchedAt,
                      rows: [{ data: res.data as unknown }],
                    }),
                  ],
                };
            } catch (err) {
              yield fail(err, base('trading_dates', null, params));
            }
            continue;
          }
          const symbols = universe ?? [];
          if (ds === 'daily') {
            const size = config.batch_size ?? 500;
            for (let i = 0; i < symbols.length; i += size) {
              if (signal.aborted) return;
              const batch = symbols.slice(i, i + size);
              const reqParams = {
                symbols: batch.join(','),
                start_date: start,
                end_date: end,
                frequency: '1d',
              };
              try {
                // batch_size 1 uses the agent's documented single-symbol form (agents without `symbols=`).
                const res =
                  size === 1
                    ? await qmt
                        .histKlineOne(batch[0], start, end, signal)
                        .then((r) => ({ ...r, data: { [batch[0]]: r.data } }))
                    : await qmt.histKline(batch, start, end, signal);
                yield* dailyRecords(ctx.node, res.data, batch, start, end, res.fetchedAt);
              } catch (err) {
                yield fail(
                  err,
                  base('daily', null, { ...reqParams, symbols: `${batch.length} symbols from ${batch[0]}` }),
                );
              }
            }
          }
          if (ds === 'instrument_detail') {
            for (const s of symbols) {
              if (signal.aborted) return;
              try {
                const res = await qmt.instrumentDetail(s, signal);
                if (!res.data || typeof res.data !== 'object' || Array.isArray(res.data))
                  throw new QmtError(
                    'agent',
                    'instrument_detail',
                    `expected an object for ${s}`,
                    undefined,
                    false,
                  );
                yield {
                  records: [
                    rawRecord('qmt', 'instrument_detail', s, { symbol: s }, res.fetchedAt, [res.data as Rec]),
                  ],
                };
              } catch (err) {
                yield fail(err, base('instrument_detail', s, { symbol: s }));
              }
            }
          }
          if (ds === 'latest') {
            const size = config.batch_size ?? 500;
            for (let i = 0; i < symbols.length; i += size) {
              const batch = symbols.slice(i, i + size);
              const params = { symbols: batch.join(',') };
              try {
                const res = await qmt.latestMarketData(batch, signal);
                const data = (res.data && typeof res.data === 'object' ? res.data : {}) as Record<
                  string,
                  Rec
                >;
                yield {
                  records: [
                    rawRecord(
                      'qmt',
                      'latest',
                      null,
                      params,
                      res.fetchedAt,
                      Object.entries(data).map(([symbol, q]) => ({ symbol, ...q })),
                    ),
                  ],
                };
              } catch (err) {
                yield fail(err, base('latest', null, params));
              }
            }
          }
        }
      },
      async close() {
        await client?.close();
      },
    };
  },
});

/** Splits a batched hist_kline answer into per-symbol records; odd keys, bad rows and absent symbols go to `error`. */
function* dailyRecords(
  node: string,
  data: unknown,
  batch: readonly string[],
  start: string,
  end: string,
  fetchedAt: string,
): Iterable<Emission> {
  const params = (symbol: string) => ({ symbol, start_date: start, end_date: end, frequency: '1d' });
  const errors: Rec[] = [];
  const records: Rec[] = [];
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    errors.push(
      deadLetter(
        node,
        `hist_kline: expected an object of symbol → bars for a batched request, got ${Array.isArray(data) ? 'a list' : typeof data}`,
        {
          source: 'qmt',
          dataset: 'daily',
          symbol: null,
          params: { symbols: batch.join(','), start_date: start, end_date: end },
          fetched_at: fetchedAt,
        },
      ),
    );
  } else {
    const wanted = new Set(batch);
    const got = data as Record<string, unknown>;
    for (const [symbol, bars] of Object.entries(got)) {
      if (!wanted.has(symbol)) {
        errors.push(
          deadLetter(node, `hist_kline: unexpected symbol ${JSON.stringify(symbol)} in the answer`, {
            source: 'qmt',
            dataset: 'daily',
            symbol: null,
            params: { start_date: start, end_date: end },
            fetched_at: fetchedAt,
            rows: Array.isArray(bars) ? bars : [],
          }),
        );
        continue;
      }
      if (!Array.isArray(bars)) {
        errors.push(
          deadLetter(node, `hist_kline: bars of ${symbol} are not a list`, {
            source: 'qmt',
            dataset: 'daily',
            symbol,
            params: params(symbol),
            fetched_at: fetchedAt,
          }),
        );
        continue;
      }
      const { good, bad } = validateRows(bars as Record<string, unknown>[], QMT_BAR);
      records.push(rawRecord('qmt', 'daily', symbol, params(symbol), fetchedAt, good));
      for (const b of bad)
        errors.push(
          deadLetter(node, b.reason, {
            source: 'qmt',
            dataset: 'daily',
            symbol,
            params: params(symbol),
            fetched_at: fetchedAt,
            rows: [b.row],
          }),
        );
    }
    for (const s of batch)
      if (!(s in got))
        errors.push(
          deadLetter(node, `hist_kline: requested symbol ${s} is missing from the answer`, {
            source: 'qmt',
            dataset: 'daily',
            symbol: s,
            params: params(s),
            fetched_at: fetchedAt,
          }),
        );
  }
  if (records.length) yield { records, meta: { dataset: 'daily' } };
  if (errors.length) yield { port: 'error', records: errors };
}

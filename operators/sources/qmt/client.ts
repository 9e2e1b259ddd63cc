/**
 * HTTP client of the QMT data agent (project-argus-qmt-agent) over an undici keep-alive pool.
 * Tolerates both envelopes (`{success, code, message, data, timestamp}` and `{success, data}`),
 * treats `success:false` as an error whatever the status, reads FastAPI `{"detail"}` errors, and
 * handles the agent's quirks: auth and rate-limit rejections are a bare HTTP 500 `Internal Server
 * Error` (resolved by waiting out the minute window before calling it an auth failure), and with
 * QMT down data endpoints stall ~15 s then answer 500 (retried with back-off and jitter, bounded).
 * Requests go through a {@link RateLimiter} that follows the `X-RateLimit-IP-Minute-*` headers.
 *
 * @example
 * const qmt = new QmtClient({ baseUrl: 'http://10.0.0.5:8000', apiKey: () => secret.reveal() });
 * const bars = await qmt.histKline(['600519.SH', '000001.SZ'], '20241231', '20241231');
 * await qmt.close();
 */
import { Pool } from 'undici';
import { jitter, sleep } from '../tushare/backoff.ts';
import { RateLimiter } from './limiter.ts';

export type QmtErrorKind = 'auth' | 'config' | 'unavailable' | 'request' | 'agent' | 'malformed' | 'network';

/** A failed agent call. `retryable` errors were retried already when they reach the caller. */
export class QmtError extends Error {
  override readonly name = 'QmtError';
  constructor(
    readonly kind: QmtErrorKind,
    readonly endpoint: string,
    message: string,
    readonly status?: number,
    readonly retryable = kind === 'unavailable' || kind === 'network' || kind === 'malformed',
  ) {
    super(`qmt-agent ${endpoint}: ${message}`);
  }
  /** Auth failures stop the source (P0); everything else is per request. */
  get fatal(): boolean {
    return this.kind === 'auth' || this.kind === 'config';
  }
}

export interface QmtClientOptions {
  baseUrl: string;
  /** Returns the API key at call time; sent as `Authorization: Bearer`. Never logged. */
  apiKey: () => Promise<string>;
  /** Per-request timeout. Default 20 000 ms (the agent stalls ~15 s when QMT is down). */
  timeoutMs?: number;
  /** Back-off before each retry of a transient failure (jittered ±20%). Default [1000, 2000, 4000]. */
  retryDelaysMs?: readonly number[];
  /** Wait before the last attempt after two bare-500 rejections (could be a shared-IP rate limit). Default 61 000. */
  rejectionWaitMs?: number;
  rateLimit?: { perMinute?: number; perHour?: number; windowMs?: number };
  limiter?: RateLimiter;
  connections?: number;
  random?: () => number;
  onEvent?: (e: { type: 'retry' | 'rejected' | 'fatal'; endpoint: string; message: string }) => void;
}

export interface QmtResponse<T> {
  data: T;
  /** Which envelope the agent used. */
  envelope: 'current' | 'legacy';
  fetchedAt: string;
}

export class QmtClient {
  readonly limiter: RateLimiter;
  private readonly pool: Pool;
  private readonly prefix: string;
  /** Requests actually sent (attempts). */
  requests = 0;

  constructor(private readonly o: QmtClientOptions) {
    const url = new URL(o.baseUrl);
    this.prefix = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections: o.connections ?? 2,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
    this.limiter = o.limiter ?? new RateLimiter(o.rateLimit);
  }

  /** Daily bars of several symbols in one request (`symbols=`); returns symbol → bars as the agent sent them. */
  histKline(
    symbols: readonly string[],
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<QmtResponse<Record<string, unknown>>> {
    return this.get(
      'hist_kline',
      '/api/v1/hist_kline',
      { symbols: symbols.join(','), start_date: start, end_date: end, frequency: '1d' },
      signal,
    );
  }

  /** Daily bars of one symbol (`symbol=`), the agent's documented form. */
  histKlineOne(
    symbol: string,
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<QmtResponse<unknown>> {
    return this.get(
      'hist_kline',
      '/api/v1/hist_kline',
      { symbol, start_date: start, end_date: end, frequency: '1d' },
      signal,
    );
  }

  tradingDates(
    market: string,
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<QmtResponse<unknown>> {
    return this.get(
      'get_trading_dates',
      '/api/v1/get_trading_dates',
      { market, start_date: start, end_date: end },
      signal,
    );
  }

  stockList(sector = '沪深京A股', signal?: AbortSignal): Promise<QmtResponse<unknown>> {
    return this.get('stock_list_in_sector', '/api/v1/stock_list_in_sector', { sector_name: sector }, signal);
  }

  instrumentDetail(symbol: string, signal?: AbortSignal): Promise<QmtResponse<unknown>> {
    return this.get(
      'instrument_detail',
      `/api/v1/instrument_detail/${encodeURIComponent(symbol)}`,
      {},
      signal,
    );
  }

  latestMarketData(symbols: readonly string[], signal?: AbortSignal): Promise<QmtResponse<unknown>> {
    return this.get(
      'latest_market_data',
      '/api/v1/latest_market_data',
      { symbols: symbols.join(',') },
      signal,
    );
  }

  /** `/health` (no auth, not rate limited). */
  async health(signal?: AbortSignal): Promise<unknown> {
    const res = await this.pool.request({
      path: `${this.prefix}/health`,
      method: 'GET',
      signal,
      headersTimeout: this.o.timeoutMs ?? 20_000,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200)
      throw new QmtError('unavailable', 'health', `HTTP ${res.statusCode}`, res.statusCode);
    return JSON.parse(text);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** One logical GET with retries. */
  async get<T>(
    endpoint: string,
    path: string,
    query: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<QmtResponse<T>> {
    const delays = this.o.retryDelaysMs ?? [1000, 2000, 4000];
    let transient = 0;
    let rejections = 0;
    for (;;) {
      try {
        return await this.once<T>(endpoint, path, query, signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        const e = err instanceof QmtError ? err : new QmtError('network', endpoint, String(err));
        if (e.kind === 'auth') {
          // A bare 500 is either a bad key or a rate-limit rejection; wait before concluding.
          rejections++;
          this.o.onEvent?.({ type: 'rejected', endpoint, message: e.message });
          if (rejections === 1) {
            this.limiter.backOff(
              this.limiter.nearLimit()
                ? (this.o.rejectionWaitMs ?? 61_000)
                : jitter(delays[0] ?? 1000, this.o.random),
            );
            continue;
          }
          if (rejections === 2) {
            this.limiter.backOff(this.o.rejectionWaitMs ?? 61_000);
            continue;
          }
          const fatal = new QmtError(
            'auth',
            endpoint,
            'API key rejected (HTTP 500 "Internal Server Error" three times, the last after waiting out the rate-limit window); check the agent API key',
            500,
            false,
          );
          this.o.onEvent?.({ type: 'fatal', endpoint, message: fatal.message });
          throw fatal;
        }
        if (e.retryable && transient < delays.length) {
          this.o.onEvent?.({ type: 'retry', endpoint, message: e.message });
          await sleep(jitter(delays[transient++], this.o.random), signal);
          continue;
        }
        throw e;
      }
    }
  }

  private async once<T>(
    endpoint: string,
    path: string,
    query: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<QmtResponse<T>> {
    let key: string;
    try {
      key = await this.o.apiKey();
    } catch (err) {
      throw new QmtError(
        'config',
        endpoint,
        `cannot read the agent API key: ${(err as Error).message}`,
        undefined,
        false,
      );
    }
    await this.limiter.take(signal);
    const qs = new URLSearchParams(query).toString();
    const timeout = this.o.timeoutMs ?? 20_000;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('timeout')), timeout);
    const onAbort = () => ac.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let status: number;
    let text: string;
    let type: string;
    this.requests++;
    try {
      const res = await this.pool.request({
        path: `${this.prefix}${path}${qs ? `?${qs}` : ''}`,
        method: 'GET',
        headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
        signal: ac.signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      status = res.statusCode;
      this.limiter.observe(res.headers);
      type = String(res.headers['content-type'] ?? '');
      text = await res.body.text();
    } catch (err) {
      const why =
        ac.signal.aborted && !signal?.aborted
          ? `no answer within ${timeout} ms (QMT down?)`
          : (err as Error).message;
      throw new QmtError('network', endpoint, why);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const fetchedAt = new Date().toISOString();
    if (status === 500 && !type.includes('json') && text.trim() === 'Internal Server Error')
      throw new QmtError(
        'auth',
        endpoint,
        'HTTP 500 "Internal Server Error" (auth or rate-limit rejection)',
        500,
        false,
      );
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      if (status >= 500)
        throw new QmtError('unavailable', endpoint, `HTTP ${status}: ${text.slice(0, 80)}`, status);
      throw new QmtError(
        'malformed',
        endpoint,
        `response is not valid JSON (${(err as Error).message}; ${text.length} bytes)`,
        status,
      );
    }
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    if (status >= 500) throw new QmtError('unavailable', endpoint, `HTTP ${status}: ${detail(b)}`, status);
    if (status !== 200)
      throw new QmtError('request', endpoint, `HTTP ${status}: ${detail(b)}`, status, false);
    if (b.success === false) {
      const msg = String(b.error ?? b.message ?? b.detail ?? 'success:false without a message');
      const st = typeof b.status === 'number' ? b.status : undefined;
      const transient = (st !== undefined && st >= 500) || /connect|timeout|internal|unavailable/i.test(msg);
      throw new QmtError(
        transient ? 'unavailable' : 'agent',
        endpoint,
        `success:false: ${msg}`,
        st,
        transient,
      );
    }
    if (b.success !== true || !('data' in b))
      throw new QmtError(
        'malformed',
        endpoint,
        `unexpected envelope (keys: ${Object.keys(b).join(',') || 'none'})`,
        status,
      );
    return { data: b.data as T, envelope: 'code' in b || 'timestamp' in b ? 'current' : 'legacy', fetchedAt };
  }
}

function detail(b: Record<string, unknown>): string {
  const d = b.detail ?? b.message ?? b.error;
  return typeof d === 'string' ? d : JSON.stringify(d ?? b);
}

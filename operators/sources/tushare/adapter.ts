/**
 * `TushareAdapter`: a Tushare Pro client over an undici keep-alive pool. It posts
 * `{api_name, token, params, fields}`, zips positional `items` with `fields`, pages with
 * limit/offset/has_more, classifies errors (see `errors.ts`), retries transient failures on an
 * injectable schedule (default 1 s, 2 s, 4 s, then fail over), waits out per-minute limits,
 * reports daily-limit exhaustion as a `quota_exhausted` event, consults an optional quota gate
 * before every call and records per-endpoint success rates.
 *
 * @example
 * const ts = new TushareAdapter({ baseUrl: 'http://api.tushare.pro', token: () => secret.reveal() });
 * for await (const page of ts.pages('daily', { trade_date: '20241231' })) console.log(page.rows.length);
 * await ts.close();
 */
import { Pool } from 'undici';
import type { Metrics } from '../../../engine/api/index.ts';
import { jitter, sleep } from './backoff.ts';
import { TushareError } from './errors.ts';
import { isQuotaExhausted, QuotaExhaustedError, type TushareQuota } from './quota.ts';

export type TushareRow = Record<string, unknown>;
export type TushareParams = Record<string, string | number | undefined>;

export interface TushareEvent {
  type: 'quota_exhausted' | 'fatal' | 'retry' | 'rate_limited' | 'failover';
  api: string;
  level: 'P0' | 'P1' | 'P2';
  message: string;
  attempt?: number;
}

export interface TushareAdapterOptions {
  /** API root, e.g. `http://api.tushare.pro` (a path prefix is kept). */
  baseUrl: string;
  /** Returns the token at call time (e.g. `() => ctx.secret(ref).reveal()`); never logged. */
  token: () => Promise<string>;
  /** Called before every call; throws `QuotaExhaustedError` when the quota is used up. */
  quota?: TushareQuota;
  metrics?: Metrics;
  /** Back-off before each retry of a transient failure. Default [1000, 2000, 4000]. */
  retryDelaysMs?: readonly number[];
  /** Wait after a per-minute 40203 before retrying. Default 60 000. */
  rateLimitWaitMs?: number;
  /** Retries after per-minute limits. Default 3. */
  rateLimitRetries?: number;
  /** Per-attempt timeout. Default 30 000 (Tushare's client timeout). */
  timeoutMs?: number;
  /** Post to `<base>/dataapi/<api_name>` (newer SDK) instead of the root. Default false. */
  dataapiPath?: boolean;
  /** Keep-alive connections in the pool. Default 4. */
  connections?: number;
  onEvent?: (e: TushareEvent) => void;
  /** Jitter source (tests pass a seeded one). */
  random?: () => number;
}

export interface TusharePage {
  api: string;
  params: TushareParams;
  fields: string[];
  rows: TushareRow[];
  hasMore: boolean;
  fetchedAt: string;
}

export class TushareAdapter {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly o: TushareAdapterOptions;
  private readonly counts = new Map<string, { ok: number; total: number }>();

  constructor(o: TushareAdapterOptions) {
    this.o = o;
    const url = new URL(o.baseUrl);
    this.prefix = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections: o.connections ?? 4,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  /** One call (one page). Retries as classified; throws a `TushareError` or `QuotaExhaustedError`. */
  async call(
    api: string,
    params: TushareParams = {},
    fields?: string | readonly string[],
    signal?: AbortSignal,
  ): Promise<TusharePage> {
    const delays = this.o.retryDelaysMs ?? [1000, 2000, 4000];
    let transient = 0;
    let minute = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const page = await this.attempt(api, params, fields, signal);
        this.record(api, true);
        return page;
      } catch (err) {
        if (signal?.aborted) throw err;
        if (isQuotaExhausted(err)) {
          this.record(api, false);
          if (err.scope === 'daily')
            this.emit({ type: 'quota_exhausted', api, level: 'P1', message: err.message });
          throw err;
        }
        const e = err instanceof TushareError ? err : new TushareError('network', api, String(err));
        if (e.kind === 'quota_daily') {
          this.record(api, false);
          this.emit({ type: 'quota_exhausted', api, level: 'P1', message: e.message });
          throw new QuotaExhaustedError(api, 'daily', e.message);
        }
        if (e.fatal) {
          this.record(api, false);
          this.emit({ type: 'fatal', api, level: e.level, message: e.message });
          throw e;
        }
        if (e.kind === 'rate_minute' && minute < (this.o.rateLimitRetries ?? 3)) {
          minute++;
          this.emit({ type: 'rate_limited', api, level: 'P2', message: e.message, attempt });
          await sleep(jitter(this.o.rateLimitWaitMs ?? 60_000, this.o.random, 0.05), signal);
          continue;
        }
        if (e.retryable && e.kind !== 'rate_minute' && transient < delays.length) {
          this.emit({ type: 'retry', api, level: 'P2', message: e.message, attempt });
          await sleep(jitter(delays[transient++], this.o.random, 0.1), signal);
          continue;
        }
        this.record(api, false);
        if (e.retryable) {
          e.failover = true;
          this.emit({
            type: 'failover',
            api,
            level: 'P1',
            message: `${e.message} (gave up after ${attempt} attempts)`,
            attempt,
          });
        }
        throw e;
      }
    }
  }

  /** Pages through `api` with limit/offset until `has_more` is false. */
  async *pages(
    api: string,
    params: TushareParams = {},
    opts: { fields?: string | readonly string[]; limit?: number; signal?: AbortSignal } = {},
  ): AsyncIterable<TusharePage> {
    let offset = Number(params.offset ?? 0);
    for (;;) {
      const p = { ...params, ...(opts.limit ? { limit: opts.limit } : {}), ...(offset ? { offset } : {}) };
      const page = await this.call(api, p, opts.fields, opts.signal);
      yield page;
      if (!page.hasMore || page.rows.length === 0) return;
      offset += page.rows.length;
    }
  }

  /** All rows of a paged query. */
  async fetchAll(
    api: string,
    params: TushareParams = {},
    opts: { fields?: string | readonly string[]; limit?: number; signal?: AbortSignal } = {},
  ): Promise<TushareRow[]> {
    const out: TushareRow[] = [];
    for await (const page of this.pages(api, params, opts)) out.push(...page.rows);
    return out;
  }

  /** Success ratio per endpoint since creation (logical calls, after retries). */
  successRates(): Record<string, { ok: number; total: number; ratio: number }> {
    const out: Record<string, { ok: number; total: number; ratio: number }> = {};
    for (const [api, c] of this.counts) out[api] = { ...c, ratio: c.total ? c.ok / c.total : 1 };
    return out;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async attempt(
    api: string,
    params: TushareParams,
    fields: string | readonly string[] | undefined,
    signal?: AbortSignal,
  ): Promise<TusharePage> {
    await this.o.quota?.acquire(api, { signal });
    let token: string;
    try {
      token = await this.o.token();
    } catch (err) {
      // A token that cannot be read is a deployment problem, not a transient one: stop (P0).
      throw new TushareError(
        'auth',
        api,
        `cannot read the Tushare token: ${(err as Error).message}`,
        undefined,
        { fatal: true, retryable: false, level: 'P0' },
      );
    }
    const cleanParams: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') cleanParams[k] = v;
    const body = JSON.stringify({
      api_name: api,
      token,
      params: cleanParams,
      fields: Array.isArray(fields) ? fields.join(',') : (fields ?? ''),
    });
    const path = this.o.dataapiPath ? `${this.prefix}/dataapi/${api}` : `${this.prefix}/` || '/';
    const timeout = this.o.timeoutMs ?? 30_000;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error(`timed out after ${timeout} ms`)), timeout);
    const onAbort = () => ac.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let status: number;
    let text: string;
    try {
      const res = await this.pool.request({
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: ac.signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const reason =
        ac.signal.aborted && !signal?.aborted ? `timed out after ${timeout} ms` : (err as Error).message;
      throw new TushareError('network', api, `network error: ${reason}`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const fetchedAt = new Date().toISOString();
    if (status >= 500) throw new TushareError('http', api, `HTTP ${status}`, undefined, { retryable: true });
    if (status !== 200)
      throw new TushareError('http', api, `HTTP ${status}: ${text.slice(0, 120)}`, undefined, {
        retryable: false,
      });
    const parsed = parseEnvelope(api, text);
    if (parsed.code !== 0) throw TushareError.fromCode(api, parsed.code, parsed.msg);
    const { fields: names, items, has_more } = parsed.data!;
    const rows = items.map((item) => {
      const r: TushareRow = {};
      for (let i = 0; i < names.length; i++) r[names[i]] = item[i];
      return r;
    });
    return { api, params: cleanParams, fields: names, rows, hasMore: has_more === true, fetchedAt };
  }

  private record(api: string, ok: boolean): void {
    const c = this.counts.get(api) ?? { ok: 0, total: 0 };
    c.total++;
    if (ok) c.ok++;
    this.counts.set(api, c);
    const m = this.o.metrics;
    if (!m) return;
    m.counter('argus_source_calls_total', 'Source API calls after retries, by outcome', [
      'source',
      'endpoint',
      'outcome',
    ]).inc({ source: 'tushare', endpoint: api, outcome: ok ? 'success' : 'failure' });
    m.gauge('argus_source_success_ratio', 'Share of successful source API calls since start, per endpoint', [
      'source',
      'endpoint',
    ]).set({ source: 'tushare', endpoint: api }, c.ok / c.total);
  }

  private emit(e: TushareEvent): void {
    this.o.onEvent?.(e);
  }
}

interface Envelope {
  code: number;
  msg: string;
  data: { fields: string[]; items: unknown[][]; has_more?: boolean } | null;
}

/** Parses and checks the response envelope; anything off is a `malformed` error naming what. */
export function parseEnvelope(api: string, text: string): Envelope {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TushareError(
      'malformed',
      api,
      `response is not valid JSON (${(err as Error).message}; ${text.length} bytes, ends with ${JSON.stringify(text.slice(-20))})`,
    );
  }
  if (!doc || typeof doc !== 'object')
    throw new TushareError('malformed', api, 'response is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (typeof d.code !== 'number')
    throw new TushareError(
      'malformed',
      api,
      `response has no numeric "code" (got ${JSON.stringify(d.code)})`,
    );
  const msg = typeof d.msg === 'string' ? d.msg : '';
  if (d.code !== 0) return { code: d.code, msg, data: null };
  const data = d.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object')
    throw new TushareError('malformed', api, 'success response without "data"');
  if (!Array.isArray(data.fields) || !data.fields.every((f) => typeof f === 'string'))
    throw new TushareError('malformed', api, '"data.fields" is not a list of names');
  if (!Array.isArray(data.items)) throw new TushareError('malformed', api, '"data.items" is not a list');
  const n = data.fields.length;
  data.items.forEach((item, i) => {
    if (!Array.isArray(item)) throw new TushareError('malformed', api, `data.items[${i}] is not a list`);
    if (item.length !== n)
      throw new TushareError(
        'malformed',
        api,
        `data.items[${i}] has ${item.length} values for ${n} fields (${(data.fields as string[]).join(',')})`,
      );
  });
  return { code: 0, msg, data: data as unknown as Envelope['data'] };
}

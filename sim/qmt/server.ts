/**
 * A QMT data agent (project-argus-qmt-agent) HTTP server over the simulated market, with the
 * agent's quirks: API key as Bearer / X-API-Key / `api_key`; auth and rate-limit failures as HTTP
 * 500 `Internal Server Error` in plain text; per-IP sliding limits (20/min, 300/h) with
 * `X-RateLimit-IP-Minute-*` headers; the current and the older envelope; FastAPI `{"detail"}`
 * errors; with QMT down, data endpoints stall ~15 s and answer 500 `{"detail":"Internal server error"}`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isDate } from '../dates.ts';
import type { FaultPlan, FaultRule } from '../faults.ts';
import { corruptRows, ROW_FAULTS, sleep } from '../faults.ts';
import type { Market, Row } from '../market.ts';
import { shanghaiMidnightMs } from '../dates.ts';

export type EnvelopeStyle = 'current' | 'legacy' | 'mixed';

export interface QmtServerOptions {
  market: Market;
  apiKey: string;
  faults: FaultPlan;
  /** Which success/error envelope the agent speaks. Default `current`. */
  envelope?: EnvelopeStyle;
  /** Per-IP limits; `windowMs` shortens the "minute" window for fast tests (default 60 000). */
  rateLimit?: { perMinute?: number; perHour?: number; windowMs?: number };
  /** How long a data endpoint stalls when QMT is down (default 15 000 ms). */
  outageStallMs?: number;
  /** Most symbols accepted in one `symbols=` request (default 1000). */
  maxBatch?: number;
}

export interface QmtStats {
  requests: number;
  rejected: number;
  byEndpoint: Record<string, number>;
}

const SYMBOL = /^\d{6}\.(SH|SZ|BJ)$/;

const SECTORS: Record<string, (ts: string) => boolean> = {
  沪深A股: (ts) => !ts.endsWith('.BJ'),
  沪深京A股: () => true,
  上证A股: (ts) => ts.endsWith('.SH'),
  深证A股: (ts) => ts.endsWith('.SZ'),
  京市A股: (ts) => ts.endsWith('.BJ'),
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
}

/** Creates (does not listen) the agent server. */
export function createQmtServer(o: QmtServerOptions): { server: Server; stats: QmtStats } {
  const stats: QmtStats = { requests: 0, rejected: 0, byEndpoint: {} };
  const perMinute = o.rateLimit?.perMinute ?? 20;
  const perHour = o.rateLimit?.perHour ?? 300;
  const minuteMs = o.rateLimit?.windowMs ?? 60_000;
  const windows = new Map<string, number[]>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) plain500(res);
      void err;
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path === '/health' && o.faults.inWindow('qmt', 'outage'))
      return json(res, 503, {
        status: 'unhealthy',
        service: 'argus-qmt-agent',
        qmt_connected: false,
        timestamp: localIso(),
      });
    if (path === '/health')
      return json(res, 200, {
        status: 'healthy',
        service: 'argus-qmt-agent',
        version: '1.0.0',
        timestamp: localIso(),
      });
    const endpoint = path.startsWith('/api/v1/instrument_detail/')
      ? 'instrument_detail'
      : path.replace('/api/v1/', '');
    stats.requests++;
    stats.byEndpoint[endpoint] = (stats.byEndpoint[endpoint] ?? 0) + 1;
    const faults = o.faults.decide('qmt', endpoint);
    const fault = (k: FaultRule['kind']) => faults.find((f) => f.kind === k);
    for (const f of faults) if (f.kind === 'latency') await sleep(f.ms ?? 200);

    // Middleware: auth, then the per-IP sliding window. Both fail as a bare 500 (the agent raises).
    const key =
      bearer(req.headers.authorization) ??
      header(req.headers['x-api-key']) ??
      url.searchParams.get('api_key');
    if (key !== o.apiKey || fault('invalid_token')) return reject(res);
    const ip = req.socket.remoteAddress ?? '?';
    const now = Date.now();
    const win = (windows.get(ip) ?? []).filter((t) => now - t < 3_600_000);
    const lastMinute = win.filter((t) => now - t < minuteMs);
    if (fault('rate_limit') || lastMinute.length >= perMinute || win.length >= perHour) return reject(res);
    win.push(now);
    lastMinute.push(now);
    windows.set(ip, win);
    res.setHeader('X-RateLimit-IP-Minute-Limit', String(perMinute));
    res.setHeader('X-RateLimit-IP-Minute-Remaining', String(Math.max(0, perMinute - lastMinute.length)));
    res.setHeader('X-RateLimit-IP-Minute-Reset', String(Math.ceil((lastMinute[0] + minuteMs) / 1000)));
    res.setHeader('X-RateLimit-IP-Hour-Limit', String(perHour));
    res.setHeader('X-RateLimit-IP-Hour-Remaining', String(Math.max(0, perHour - win.length)));

    if (fault('timeout')) {
      await sleep(fault('timeout')!.ms ?? 60_000);
      return void req.socket.destroy();
    }
    const http = fault('http_5xx');
    if (http) return json(res, http.status ?? 502, { detail: 'Bad Gateway' });
    if (fault('outage')) {
      await sleep(fault('outage')!.ms ?? o.outageStallMs ?? 15_000);
      return json(res, 500, { detail: 'Internal server error' });
    }
    const legacy =
      o.envelope === 'legacy' || (o.envelope === 'mixed' && o.faults.u('envelope', stats.requests) < 0.5);
    try {
      if (fault('legacy_error')) throw new HttpError(500, 'xtdata call failed: QMT not connected');
      let data = route(endpoint, path, url.searchParams);
      const rowFaults = faults.filter((f) => ROW_FAULTS.has(f.kind));
      if (rowFaults.length) data = corruptData(data, rowFaults, o.faults, String(stats.requests));
      const body = legacy
        ? { success: true, data }
        : { success: true, code: 200, message: 'Success', data, timestamp: localIso() };
      let text = JSON.stringify(body);
      if (fault('truncated_json')) text = text.slice(0, Math.max(10, Math.floor(text.length / 2)));
      return send(res, 200, 'application/json', text);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (legacy || fault('legacy_error')) {
        // Older agents answer errors with HTTP 200 and success:false, in one of two shapes.
        const msg = typeof err.detail === 'string' ? err.detail : JSON.stringify(err.detail);
        return json(
          res,
          200,
          o.faults.u('legacy-shape', stats.requests) < 0.5
            ? { success: false, error: msg }
            : { success: false, message: msg, status: err.status },
        );
      }
      return json(res, err.status, { detail: err.detail });
    }
  }

  function reject(res: ServerResponse): void {
    stats.rejected++;
    plain500(res);
  }

  function route(endpoint: string, path: string, q: URLSearchParams): unknown {
    const m = o.market;
    switch (endpoint) {
      case 'hist_kline': {
        const freq = q.get('frequency') ?? '1d';
        if (freq !== '1d') throw new HttpError(400, `Unsupported frequency: ${freq}`);
        const start = date(q, 'start_date', m.from);
        const end = date(q, 'end_date', m.to);
        const days = m.days(start, end);
        const one = q.get('symbol');
        const many = q.get('symbols');
        if (!one && !many)
          throw new HttpError(422, [
            { loc: ['query', 'symbol'], msg: 'field required', type: 'value_error.missing' },
          ]);
        const bars = (ts: string) => days.map((d) => m.qmtBar(ts, d)).filter((r): r is Row => r !== null);
        if (one) return bars(symbol(one));
        const list = many!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (list.length > (o.maxBatch ?? 1000))
          throw new HttpError(400, `Too many symbols: ${list.length} > ${o.maxBatch ?? 1000}`);
        const out: Record<string, Row[]> = {};
        for (const s of list) out[symbol(s)] = bars(s);
        return out;
      }
      case 'get_trading_dates': {
        const market = q.get('market') ?? 'SH';
        if (!['SH', 'SZ', 'BJ'].includes(market)) throw new HttpError(400, `Invalid market: ${market}`);
        return m.days(date(q, 'start_date', m.from), date(q, 'end_date', m.to));
      }
      case 'stock_list_in_sector': {
        const name = q.get('sector_name') ?? '沪深A股';
        const pred = SECTORS[name];
        if (!pred) throw new HttpError(404, `Sector not found: ${name}`);
        return m.instruments
          .filter((i) => i.list_status === 'L' && i.list_date <= m.today && pred(i.ts_code))
          .map((i) => i.ts_code);
      }
      case 'instrument_detail': {
        const ts = symbol(decodeURIComponent(path.slice('/api/v1/instrument_detail/'.length)));
        const inst = m.instrument(ts);
        if (!inst) throw new HttpError(404, `Instrument not found: ${ts}`);
        const bar = m.qmtBar(ts, m.today);
        const pre = (bar?.close as number | undefined) ?? null;
        return {
          symbol: inst.symbol,
          name: inst.name,
          ExchangeID: ts.slice(7),
          InstrumentID: inst.symbol,
          PreClose: pre,
          UpStopPrice: pre === null ? null : Math.round(pre * (1 + inst.limit) * 100) / 100,
          DownStopPrice: pre === null ? null : Math.round(pre * (1 - inst.limit) * 100) / 100,
          OpenDate: inst.list_date,
          ExpireDate: inst.delist_date ?? '99999999',
          PriceTick: 0.01,
          VolumeMultiple: 1,
          IsTrading: inst.list_status === 'L' && bar !== null && bar.suspendFlag !== 1,
        };
      }
      case 'latest_market_data': {
        const list = (q.get('symbols') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (list.length === 0)
          throw new HttpError(422, [
            { loc: ['query', 'symbols'], msg: 'field required', type: 'value_error.missing' },
          ]);
        const out: Record<string, unknown> = {};
        for (const s of list) {
          const bar = m.qmtBar(symbol(s), m.today);
          if (!bar) continue;
          out[s] = {
            time: shanghaiMidnightMs(m.today) + 15 * 3_600_000,
            lastPrice: bar.close,
            open: bar.open,
            high: bar.high,
            low: bar.low,
            lastClose: bar.preClose,
            volume: bar.volume,
            amount: bar.amount,
          };
        }
        return out;
      }
      default:
        throw new HttpError(404, 'Not Found');
    }
  }

  return { server, stats };
}

function symbol(s: string): string {
  if (!SYMBOL.test(s)) throw new HttpError(400, `Invalid symbol format: ${s}`);
  return s;
}

function date(q: URLSearchParams, k: string, dflt: string): string {
  const v = q.get(k);
  if (v === null || v === '') return dflt;
  if (!isDate(v))
    throw new HttpError(422, [
      { loc: ['query', k], msg: `invalid date ${v}, expected YYYYMMDD`, type: 'value_error' },
    ]);
  return v;
}

/** Row-level faults on a hist_kline-like payload (array of bars or a map of symbol → bars). */
function corruptData(data: unknown, faults: FaultRule[], plan: FaultPlan, salt: string): unknown {
  if (Array.isArray(data) && data.every((r) => r && typeof r === 'object'))
    return corruptRows(data as Row[], faults, plan, { date: 'date' }, salt);
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const entries = Object.entries(data as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    entries.forEach(([k, v], i) => {
      const badKey = i === 0 && faults.some((f) => f.kind === 'bad_symbol') ? 'XX9999.ZZ' : k;
      out[badKey] = Array.isArray(v)
        ? corruptRows(v as Row[], faults, plan, { date: 'date' }, `${salt}:${k}`)
        : v;
    });
    return out;
  }
  return data;
}

function bearer(h: string | undefined): string | undefined {
  const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null;
  return m ? m[1].trim() : undefined;
}

function header(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

/** Local time as ISO without a zone, with microseconds, like the agent's `datetime.now().isoformat()`. */
function localIso(): string {
  const d = new Date();
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, -1);
  return `${local}000`;
}

function plain500(res: ServerResponse): void {
  send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.setHeader('content-type', type);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.writeHead(status);
  res.end(body);
}

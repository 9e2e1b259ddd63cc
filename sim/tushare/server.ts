/**
 * A Tushare Pro HTTP server over the simulated market: `POST /` and `POST /dataapi/<api_name>`
 * with `{api_name, token, params, fields}`, always HTTP 200 with the `{request_id, code, msg, data}`
 * envelope, paging by limit/offset/has_more, per-minute and daily limits by points tier, and the
 * injected faults of a {@link FaultPlan}.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FaultPlan, FaultRule } from '../faults.ts';
import { corruptRows, ROW_FAULTS, sleep } from '../faults.ts';
import type { Market } from '../market.ts';
import { APIS, MESSAGES, tier, TushareApiError, type Params } from './apis.ts';

export interface TushareServerOptions {
  market: Market;
  token: string;
  faults: FaultPlan;
  /** Points tier of the token (limits and permissions). Default 5000. */
  points?: number;
}

export interface TushareStats {
  requests: number;
  byApi: Record<string, number>;
}

/** Creates (does not listen) the server; `stats` counts the requests served. */
export function createTushareServer(o: TushareServerOptions): { server: Server; stats: TushareStats } {
  const stats: TushareStats = { requests: 0, byApi: {} };
  const minute = new Map<string, number[]>();
  const daily = new Map<string, number>();
  const limits = tier(o.points ?? 5000);

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent)
        send(res, 500, 'text/plain', `simulator error: ${err instanceof Error ? err.message : err}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readBody(req);
    if (req.method !== 'POST' || !(url.pathname === '/' || url.pathname.startsWith('/dataapi/')))
      return send(res, 404, 'text/plain', 'Not Found');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      return envelope(res, -2001, '参数错误：请求体不是合法的 JSON');
    }
    const api = url.pathname.startsWith('/dataapi/')
      ? url.pathname.slice('/dataapi/'.length)
      : String(body.api_name ?? '');
    stats.requests++;
    stats.byApi[api] = (stats.byApi[api] ?? 0) + 1;
    const faults = o.faults.decide('tushare', api);
    for (const f of faults) if (f.kind === 'latency') await sleep(f.ms ?? 200);
    const fault = (k: FaultRule['kind']) => faults.find((f) => f.kind === k);
    if (fault('outage')) return void req.socket.destroy();
    const hang = fault('timeout');
    if (hang) {
      await sleep(hang.ms ?? 60_000);
      return void req.socket.destroy();
    }
    const http = fault('http_5xx');
    if (http)
      return send(
        res,
        http.status ?? 502,
        'text/html',
        `<html><head><title>${http.status ?? 502} Bad Gateway</title></head><body><center><h1>${http.status ?? 502} Bad Gateway</h1></center><hr><center>nginx</center></body></html>`,
      );
    if (fault('invalid_token') || body.token !== o.token) return envelope(res, 40101, MESSAGES.invalidToken);
    const def = APIS[api];
    if (!def) return envelope(res, -2001, `参数错误：接口名 ${api || '(空)'} 不存在`);
    if (fault('no_permission') || (def.minPoints ?? 0) > (o.points ?? 5000))
      return envelope(res, 40203, MESSAGES.noPermission);
    if (fault('legacy_error')) {
      const pick = o.faults.u('legacy', stats.requests) < 0.5;
      return envelope(res, pick ? -1000 : 50101, pick ? MESSAGES.internal : MESSAGES.unknown);
    }
    // Limits: per token and API, sliding minute and calendar day.
    const key = `${api}`;
    const now = Date.now();
    const win = (minute.get(key) ?? []).filter((t) => now - t < 60_000);
    if (fault('rate_limit') || win.length >= limits.perMinute)
      return envelope(res, 40203, MESSAGES.perMinute(limits.perMinute));
    const dayKey = `${api}:${new Date().toISOString().slice(0, 10)}`;
    if (fault('daily_quota') || (daily.get(dayKey) ?? 0) >= limits.perDay)
      return envelope(res, 40203, MESSAGES.perDay(Number.isFinite(limits.perDay) ? limits.perDay : 100000));
    win.push(now);
    minute.set(key, win);
    daily.set(dayKey, (daily.get(dayKey) ?? 0) + 1);

    try {
      const params = normalizeParams(body.params);
      const fields = parseFields(body.fields, def.fields, def.defaultFields ?? def.fields);
      const all = def.rows(o.market, params);
      const limit = Math.min(def.cap, params.limit ? Number(params.limit) : def.cap);
      const offset = params.offset ? Number(params.offset) : 0;
      if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0)
        throw new TushareApiError(-2001, '参数错误：limit/offset 必须是非负整数');
      let page = all.slice(offset, offset + limit);
      const rowFaults = faults.filter((f) => ROW_FAULTS.has(f.kind) && f.kind !== 'missing_fields');
      if (rowFaults.length)
        page = corruptRows(
          page,
          rowFaults,
          o.faults,
          {
            symbol: 'ts_code',
            date: fields.includes('trade_date') ? 'trade_date' : fields.find((f) => f.endsWith('_date')),
          },
          `${api}:${stats.requests}`,
        );
      const outFields = fault('missing_fields') ? fields.slice(0, -1) : fields;
      const data = {
        fields: outFields,
        items: page.map((r) => fields.map((f) => r[f] ?? null)),
        has_more: offset + limit < all.length,
        count: -1,
      };
      return envelope(res, 0, '', data, fault('truncated_json') !== undefined);
    } catch (err) {
      if (err instanceof TushareApiError) return envelope(res, err.code, err.message);
      throw err;
    }
  }

  return { server, stats };
}

/** Empty strings mean "not given"; numbers are stringified like the SDK does. */
function normalizeParams(p: unknown): Params {
  const out: Params = {};
  if (p && typeof p === 'object')
    for (const [k, v] of Object.entries(p)) if (v !== '' && v !== null && v !== undefined) out[k] = String(v);
  return out;
}

function parseFields(f: unknown, all: readonly string[], defaults: readonly string[]): string[] {
  const list = Array.isArray(f) ? f.map(String) : typeof f === 'string' ? f.split(',') : [];
  const clean = list.map((s) => s.trim()).filter(Boolean);
  if (clean.length === 0) return [...defaults];
  for (const name of clean)
    if (!all.includes(name)) throw new TushareApiError(-2001, `参数错误：字段 ${name} 不存在`);
  return clean;
}

function envelope(
  res: ServerResponse,
  code: number,
  msg: string,
  data: unknown = null,
  truncate = false,
): void {
  let text = JSON.stringify({ request_id: randomUUID().replaceAll('-', ''), code, msg, data });
  if (truncate) text = text.slice(0, Math.max(10, Math.floor(text.length / 2)));
  send(res, 200, 'application/json; charset=utf-8', text);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * QMT agent contract (risk TECH-01): recorded response shapes of project-argus-qmt-agent vs the
 * simulator and vs the client. A change in envelope keys, bar field names/order, rate-limit
 * headers or error shapes fails here.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QmtClient, QmtError } from '../../operators/sources/qmt/client.ts';
import { startSimulator, type SimHandle } from '../../sim/index.ts';
import { keyOrder, serve, shape } from './fixture-server.ts';

const fx = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const current = fx('qmt/hist_kline.current.json');
const legacy = fx('qmt/hist_kline.legacy.json');
const errors: {
  name: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  text?: string;
  expect: Record<string, unknown>;
}[] = fx('qmt/errors.json');

describe('QMT contract: the simulator speaks the recorded shapes', () => {
  let sim: SimHandle;
  let old: SimHandle;
  beforeAll(async () => {
    sim = await startSimulator({ symbols: 30, from: '20241201', to: '20241231', seed: 1 });
    old = await startSimulator({
      symbols: 30,
      from: '20241201',
      to: '20241231',
      seed: 1,
      envelope: 'legacy',
    });
  });
  afterAll(async () => {
    await sim.stop();
    await old.stop();
  });
  const get = (
    s: SimHandle,
    path: string,
    auth: Record<string, string> = { authorization: `Bearer ${s.qmtApiKey}` },
  ) => fetch(s.qmtUrl + path, { headers: auth });

  it('current envelope: keys, order, bar fields and values of the real 600519.SH day', async () => {
    const res = await get(sim, current.request);
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(keyOrder(body)).toBe(keyOrder(current.body));
    expect(shape(body)).toEqual(shape(current.body));
    expect(body.data).toEqual(current.body.data);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    for (const h of Object.keys(current.headers).filter((k) => k.startsWith('x-ratelimit')))
      expect(res.headers.get(h), h).toMatch(/^\d+$/);
  });

  it('older envelope: {success, data}', async () => {
    const body = (await (await get(old, legacy.request)).json()) as Record<string, unknown>;
    expect(keyOrder(body)).toBe(keyOrder(legacy.body));
    expect(body.data).toEqual(legacy.body.data);
  });

  it('API key as Bearer, X-API-Key or api_key; /health needs none', async () => {
    expect((await get(sim, current.request, { 'x-api-key': sim.qmtApiKey })).status).toBe(200);
    expect(
      (await get(sim, `${current.request}&api_key=${encodeURIComponent(sim.qmtApiKey)}`, {})).status,
    ).toBe(200);
    expect(await (await get(sim, '/health', {})).json()).toMatchObject({ status: 'healthy' });
  });

  it.each([
    [
      'auth or rate-limit rejection (middleware)',
      () => get(sim, current.request, { authorization: 'Bearer wrong' }),
    ],
    ['FastAPI validation error', () => get(sim, '/api/v1/hist_kline?symbol=600519.SH&start_date=20241345')],
    ['FastAPI bad request', () => get(sim, '/api/v1/hist_kline?symbol=600519')],
    ['FastAPI not found', () => get(sim, '/api/v1/instrument_detail/600000.SH')],
  ])('error shape: %s', async (name, call) => {
    const e = errors.find((x) => x.name === name)!;
    const res = await call();
    expect(res.status).toBe(e.status);
    expect(res.headers.get('content-type')).toBe(e.headers['content-type']);
    if (e.text !== undefined) expect(await res.text()).toBe(e.text);
    else expect(shape(await res.json())).toEqual(shape(e.body));
  });

  it('error shape: QMT down after a stall', async () => {
    const e = errors.find((x) => x.name === 'QMT down after a stall')!;
    sim.setFaults([{ kind: 'outage', target: 'qmt', ms: 50 }]);
    const res = await get(sim, current.request);
    sim.setFaults([]);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual(e.body);
  });

  it('/health reports an outage window (QMT disconnected) and recovers after it', async () => {
    sim.setFaults([{ kind: 'outage', target: 'qmt', window: { from_ms: 0, to_ms: 1000 }, ms: 10 }]);
    const down = await get(sim, '/health', {});
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unhealthy', qmt_connected: false });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get(sim, '/health', {})).status).toBe(200);
    sim.setFaults([]);
  });

  it('older error shapes with HTTP 200', async () => {
    const shapes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const res = await get(old, '/api/v1/instrument_detail/600000.SH');
      expect(res.status).toBe(200);
      shapes.add(keyOrder(await res.json()));
    }
    expect([...shapes].sort()).toEqual(
      errors
        .filter((e) => e.status === 200)
        .map((e) => keyOrder(e.body))
        .sort(),
    );
  });
});

describe('QMT contract: the client reads the recorded shapes', () => {
  it.each([current, legacy])('success envelope → data (%#)', async (f) => {
    const srv = await serve(() => ({ status: f.status, headers: f.headers, body: f.body }));
    const c = new QmtClient({ baseUrl: srv.url, apiKey: async () => 'fixture-key', retryDelaysMs: [] });
    try {
      const res = await c.histKlineOne('600519.SH', '20241231', '20241231');
      expect(res.data).toEqual(f.body.data);
      expect(res.envelope).toBe(f === current ? 'current' : 'legacy');
      expect(srv.requests[0].headers.authorization).toBe('Bearer fixture-key');
      expect(srv.requests[0].url).toBe(f.request);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it.each(errors)('error: $name', async (e) => {
    const srv = await serve(() => ({ status: e.status, headers: e.headers, body: e.body, text: e.text }));
    const c = new QmtClient({
      baseUrl: srv.url,
      apiKey: async () => 'fixture-key',
      retryDelaysMs: [],
      rejectionWaitMs: 5,
    });
    try {
      const err = await c.histKlineOne('600519.SH', '20241231', '20241231').catch((x) => x);
      expect(err).toBeInstanceOf(QmtError);
      expect(err).toMatchObject(e.expect);
      // Rejections are tried three times before being called an auth failure; others once.
      expect(srv.requests).toHaveLength(e.expect.kind === 'auth' ? 3 : 1);
    } finally {
      await c.close();
      await srv.close();
    }
  });
});

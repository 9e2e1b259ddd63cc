/**
 * Tushare contract (risk TECH-01): recorded response shapes vs the simulator and vs the adapter.
 * A change in envelope keys, field names or order, or error codes/messages fails here.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TushareAdapter } from '../../operators/sources/tushare/adapter.ts';
import { QuotaExhaustedError } from '../../operators/sources/tushare/quota.ts';
import { TushareError } from '../../operators/sources/tushare/errors.ts';
import { startSimulator, type SimHandle } from '../../sim/index.ts';
import type { FaultKind } from '../../sim/faults.ts';
import { keyOrder, serve, shape } from './fixture-server.ts';

const fx = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const daily = fx('tushare/daily.json');
const adj = fx('tushare/adj_factor.json');
const fields: Record<string, string[]> = fx('tushare/fields.json');
const errors: {
  name: string;
  fault?: FaultKind;
  response: Record<string, unknown>;
  expect: Record<string, unknown>;
}[] = fx('tushare/errors.json');

async function post(
  sim: SimHandle,
  body: Record<string, unknown>,
  path = '/',
): Promise<Record<string, unknown>> {
  const res = await fetch(sim.tushareUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: sim.tushareToken, ...body }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe('Tushare contract: the simulator speaks the recorded shapes', () => {
  let sim: SimHandle;
  beforeAll(
    async () => (sim = await startSimulator({ symbols: 50, from: '20200101', to: '20241231', seed: 1 })),
  );
  afterAll(() => sim.stop());

  it('daily of a real stock equals the recorded response (values, envelope keys and order)', async () => {
    const got = await post(sim, daily.request);
    expect(keyOrder(got)).toBe(keyOrder(daily.response));
    expect(got.data).toEqual(daily.response.data);
    expect(got).toMatchObject({ code: 0, msg: '' });
    expect(got.request_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('adj_factor of 000001.SZ equals the known real value; the /dataapi/<api> path answers the same', async () => {
    const root = await post(sim, adj.request);
    expect(root.data).toEqual(adj.response.data);
    const dataapi = await post(sim, { params: adj.request.params }, '/dataapi/adj_factor');
    expect(dataapi.data).toEqual(adj.response.data);
  });

  it.each(Object.keys(fields).filter((k) => !k.startsWith('_')))(
    '%s: default field names and order',
    async (api) => {
      const params =
        api === 'trade_cal'
          ? { start_date: '20241230', end_date: '20241231' }
          : api === 'stock_basic'
            ? {}
            : api === 'dividend' || api === 'report_rc'
              ? { ts_code: '600519.SH' }
              : { trade_date: '20241231' };
      const got = await post(sim, { api_name: api, params, fields: '' });
      expect(got.code).toBe(0);
      expect((got.data as Record<string, unknown>).fields).toEqual(fields[api]);
      expect(Object.keys(got.data as object)).toEqual(['fields', 'items', 'has_more', 'count']);
    },
  );

  it('fields as a list or a string, empty params ignored', async () => {
    const a = await post(sim, {
      api_name: 'daily',
      params: { trade_date: '20241231', ts_code: '' },
      fields: ['ts_code', 'close'],
    });
    const b = await post(sim, {
      api_name: 'daily',
      params: { trade_date: '20241231' },
      fields: 'ts_code,close',
    });
    expect(a.data).toEqual(b.data);
    expect((a.data as Record<string, unknown>).fields).toEqual(['ts_code', 'close']);
  });

  it.each(errors.filter((e) => e.fault))('error envelope: $name', async (e) => {
    sim.setFaults([{ kind: e.fault!, target: 'tushare' }]);
    const got = await post(sim, daily.request);
    sim.setFaults([]);
    expect(shape(got)).toEqual(shape(e.response));
    expect(keyOrder(got)).toBe(keyOrder(e.response));
    expect(got.code).toBe(e.response.code);
    expect(got.msg).toBe(e.response.msg);
  });

  it('a bad field name is the legacy -2001 error', async () => {
    const got = await post(sim, { ...daily.request, fields: 'ts_code,nonsense' });
    expect(got).toMatchObject({ code: -2001, data: null });
  });
});

describe('Tushare contract: the adapter reads the recorded shapes', () => {
  it('zips positional items with fields, keeping Tushare names, units and order', async () => {
    const srv = await serve(() => ({ status: 200, body: daily.response }));
    const ts = new TushareAdapter({
      baseUrl: srv.url,
      token: async () => 'fixture-token',
      retryDelaysMs: [],
    });
    try {
      const page = await ts.call('daily', daily.request.params);
      expect(page.fields).toEqual(daily.response.data.fields);
      expect(page.rows[0]).toEqual({
        ts_code: '000001.SZ',
        trade_date: '20241231',
        open: 11.93,
        high: 11.99,
        low: 11.7,
        close: 11.7,
        pre_close: 11.95,
        change: -0.25,
        pct_chg: -2.0921,
        vol: 1475367.33,
        amount: 1747242.074,
      });
      expect(Object.keys(page.rows[0])).toEqual(daily.response.data.fields);
      expect(page.hasMore).toBe(false);
      const sent = JSON.parse(srv.requests[0].body);
      expect(Object.keys(sent)).toEqual(['api_name', 'token', 'params', 'fields']);
      expect(sent).toMatchObject({ api_name: 'daily', params: daily.request.params });
    } finally {
      await ts.close();
      await srv.close();
    }
  });

  it.each(errors)('classifies the recorded error: $name', async (e) => {
    const srv = await serve(() => ({ status: 200, body: e.response }));
    const ts = new TushareAdapter({
      baseUrl: srv.url,
      token: async () => 'fixture-token',
      retryDelaysMs: [],
      rateLimitRetries: 0,
    });
    try {
      const err = await ts.call('daily', {}).catch((x) => x);
      if (e.expect.kind === 'quota_daily') {
        expect(err).toBeInstanceOf(QuotaExhaustedError);
      } else {
        expect(err).toBeInstanceOf(TushareError);
        expect(err).toMatchObject({ ...e.expect, code: e.response.code });
        expect(err.message).toContain(String(e.response.msg));
      }
      expect(srv.requests).toHaveLength(1);
    } finally {
      await ts.close();
      await srv.close();
    }
  });

  it('a changed envelope fails loudly: renamed data.fields, items longer than fields, code missing', async () => {
    const bodies = [
      { ...daily.response, data: { columns: daily.response.data.fields, items: daily.response.data.items } },
      { ...daily.response, data: { ...daily.response.data, fields: daily.response.data.fields.slice(1) } },
      { request_id: 'x', msg: '', data: daily.response.data },
    ];
    for (const body of bodies) {
      const srv = await serve(() => ({ status: 200, body }));
      const ts = new TushareAdapter({ baseUrl: srv.url, token: async () => 't', retryDelaysMs: [] });
      await expect(ts.call('daily', {})).rejects.toMatchObject({ kind: 'malformed' });
      await ts.close();
      await srv.close();
    }
  });
});

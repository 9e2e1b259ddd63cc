import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../engine/api/index.ts';
import { QmtClient } from '../../operators/sources/qmt/client.ts';
import type { SimHandle } from '../../sim/index.ts';
import { errors, out, readQmt, readTushare, simWithContext } from './helpers.ts';

const DAY = '20241231';

describe('collecting a market day from the simulator through both sources', () => {
  let sim: SimHandle;
  let ctx: Context;
  beforeAll(
    async () =>
      ({ sim, ctx } = await simWithContext({
        symbols: 1200,
        from: '20241101',
        to: '20241231',
        seed: 5,
        qmtRateLimit: { perMinute: 1000, perHour: 10000 },
      })),
  );
  afterAll(() => sim.stop());

  it('qmt_agent: every listed symbol, batched (one request per batch), rows as the agent sent them', async () => {
    const before = sim.stats.qmt.requests;
    const es = await readQmt(sim, ctx, { datasets: ['daily'], trade_date: DAY, batch_size: 400 });
    const recs = out(es);
    const listed = sim.market.instruments.filter((i) => i.list_status === 'L' && i.list_date <= DAY);
    expect(recs.map((r) => r.symbol).sort()).toEqual(listed.map((i) => i.ts_code).sort());
    expect(sim.stats.qmt.requests - before).toBe(1 + Math.ceil(listed.length / 400));
    expect(errors(es)).toEqual([]);
    const r = recs.find((x) => x.symbol === '600519.SH')!;
    expect(Object.keys(r)).toEqual(['source', 'dataset', 'symbol', 'params', 'fetched_at', 'rows']);
    expect(r).toMatchObject({
      source: 'qmt',
      dataset: 'daily',
      params: { symbol: '600519.SH', start_date: DAY, end_date: DAY, frequency: '1d' },
    });
    expect(new Date(r.fetched_at as string).toISOString()).toBe(r.fetched_at);
    expect(r.rows).toEqual([sim.market.qmtBar('600519.SH', DAY)]);
    expect(JSON.stringify(recs)).not.toContain(sim.qmtApiKey);
  });

  it('tushare: whole market by trade_date, Tushare field names and units, no token in params', async () => {
    const es = await readTushare(sim, ctx, {
      datasets: ['daily', 'adj_factor', 'daily_basic'],
      trade_date: DAY,
    });
    const recs = out(es);
    expect(recs.map((r) => [r.dataset, r.symbol, r.params])).toEqual([
      ['daily', null, { trade_date: DAY }],
      ['adj_factor', null, { trade_date: DAY }],
      ['daily_basic', null, { trade_date: DAY }],
    ]);
    const daily = recs[0].rows as Record<string, unknown>[];
    const expected = sim.market.instruments.map((i) => sim.market.daily(i.ts_code, DAY)).filter(Boolean);
    expect(daily).toEqual(expected);
    expect(Object.keys(daily[0])).toEqual([
      'ts_code',
      'trade_date',
      'open',
      'high',
      'low',
      'close',
      'pre_close',
      'change',
      'pct_chg',
      'vol',
      'amount',
    ]);
    expect(JSON.stringify(recs)).not.toContain(sim.tushareToken);
  });

  it('tushare: pages with limit/offset/has_more into one record per response', async () => {
    const es = await readTushare(sim, ctx, { datasets: ['daily'], trade_date: DAY, page_limit: 500 });
    const recs = out(es);
    const total = sim.market.instruments.filter((i) => sim.market.daily(i.ts_code, DAY)).length;
    expect(recs).toHaveLength(Math.ceil(total / 500));
    expect(recs.map((r) => (r.params as Record<string, unknown>).offset ?? 0)).toEqual(
      recs.map((_, i) => i * 500 || 0),
    );
    expect(
      new Set(recs.flatMap((r) => (r.rows as Record<string, unknown>[]).map((x) => x.ts_code))).size,
    ).toBe(total);
  });

  it('tushare: a date range asks trade_cal for open days and requests each by trade_date', async () => {
    const es = await readTushare(sim, ctx, {
      datasets: ['adj_factor'],
      start_date: '20241223',
      end_date: '20241231',
    });
    expect(out(es).map((r) => (r.params as Record<string, unknown>).trade_date)).toEqual([
      '20241223',
      '20241224',
      '20241225',
      '20241226',
      '20241227',
      '20241230',
      '20241231',
    ]);
  });

  it('tushare: reference datasets (stock_basic L/D/P, trade_cal, dividend, report_rc) and per-symbol requests', async () => {
    const es = await readTushare(sim, ctx, {
      datasets: ['stock_basic', 'trade_cal', 'report_rc'],
      start_date: '20241201',
      end_date: DAY,
    });
    const recs = out(es);
    expect(
      recs
        .filter((r) => r.dataset === 'stock_basic')
        .map((r) => (r.params as Record<string, unknown>).list_status),
    ).toEqual(['L', 'D', 'P']);
    const listed = recs.filter((r) => r.dataset === 'stock_basic').flatMap((r) => r.rows as unknown[]);
    expect(listed).toHaveLength(sim.market.instruments.length);
    const cal = recs.find((r) => r.dataset === 'trade_cal')!.rows as Record<string, unknown>[];
    expect(cal[0]).toMatchObject({ exchange: 'SSE', cal_date: DAY, is_open: 1, pretrade_date: '20241230' });
    expect(recs.find((r) => r.dataset === 'report_rc')!.rows).not.toHaveLength(0);
    const per = await readTushare(sim, ctx, {
      datasets: ['daily', 'dividend'],
      symbols: ['600519.SH'],
      start_date: '20241201',
      end_date: DAY,
    });
    const [d, div] = out(per);
    expect(d).toMatchObject({
      dataset: 'daily',
      symbol: '600519.SH',
      params: { ts_code: '600519.SH', start_date: '20241201', end_date: DAY },
    });
    expect((d.rows as unknown[]).length).toBe(sim.market.days('20241201', DAY).length);
    expect(div).toMatchObject({ dataset: 'dividend', symbol: '600519.SH' });
  });

  it('qmt_agent: batch_size 1 uses the documented single-symbol form and yields the same records', async () => {
    const symbols = ['600519.SH', '000001.SZ', '601318.SH'];
    const one = out(
      await readQmt(sim, ctx, { datasets: ['daily'], trade_date: DAY, symbols, batch_size: 1 }),
    );
    const batched = out(await readQmt(sim, ctx, { datasets: ['daily'], trade_date: DAY, symbols }));
    expect(one.map((r) => [r.symbol, r.rows])).toEqual(batched.map((r) => [r.symbol, r.rows]));
  });

  it('qmt_agent: reference datasets (stock list, trading dates, instrument detail, latest)', async () => {
    const es = await readQmt(sim, ctx, {
      datasets: ['trading_dates', 'stock_list', 'instrument_detail', 'latest'],
      symbols: ['600519.SH', '000001.SZ'],
      start_date: '20241225',
      end_date: DAY,
    });
    const recs = out(es);
    expect(recs.map((r) => r.dataset)).toEqual([
      'trading_dates',
      'stock_list',
      'instrument_detail',
      'instrument_detail',
      'latest',
    ]);
    expect(recs[0].rows).toEqual(
      ['20241225', '20241226', '20241227', '20241230', '20241231'].map((date) => ({ date })),
    );
    expect(recs[2].rows).toEqual([
      expect.objectContaining({ symbol: '600519', name: '贵州茅台', OpenDate: '20010827' }),
    ]);
    expect((recs[4].rows as Record<string, unknown>[]).map((r) => r.symbol)).toEqual([
      '600519.SH',
      '000001.SZ',
    ]);
  });
});

describe('the QMT client honours the agent rate limit', () => {
  it('waits for X-RateLimit-IP-Minute-Reset instead of being rejected', async () => {
    const { sim, ctx } = await simWithContext({
      symbols: 60,
      from: '20241201',
      to: '20241231',
      seed: 2,
      qmtRateLimit: { perMinute: 3, windowMs: 1500 },
    });
    try {
      const t0 = Date.now();
      const es = await readQmt(sim, ctx, {
        datasets: ['daily'],
        trade_date: DAY,
        batch_size: 10,
        rate_limit: { window_ms: 1500 },
      });
      expect(out(es)).toHaveLength(
        sim.market.instruments.filter((i) => i.list_status === 'L' && i.list_date <= DAY).length,
      );
      expect(sim.stats.qmt.rejected).toBe(0);
      expect(sim.stats.qmt.requests).toBeGreaterThan(3);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    } finally {
      await sim.stop();
    }
  });

  it('never sends more than its own per-minute budget, even without headers', async () => {
    const { sim } = await simWithContext({ symbols: 60, from: '20241201', to: '20241231', seed: 2 });
    const client = new QmtClient({
      baseUrl: sim.qmtUrl,
      apiKey: async () => sim.qmtApiKey,
      rateLimit: { perMinute: 5 },
    });
    const ac = new AbortController();
    try {
      const calls = Array.from({ length: 8 }, () =>
        client.histKline(['600519.SH'], DAY, DAY, ac.signal).then(
          () => 'ok',
          () => 'aborted',
        ),
      );
      for (let waited = 0; sim.stats.qmt.requests < 5 && waited < 10_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      expect(sim.stats.qmt.requests).toBe(5);
      ac.abort();
      expect((await Promise.all(calls)).sort()).toEqual([
        ...Array(3).fill('aborted'),
        ...Array(5).fill('ok'),
      ]);
      expect(sim.stats.qmt.rejected).toBe(0);
    } finally {
      await client.close();
      await sim.stop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../engine/api/index.ts';
import { TushareAdapter, type TushareEvent } from '../../operators/sources/tushare/adapter.ts';
import { TushareError } from '../../operators/sources/tushare/errors.ts';
import { QuotaExhaustedError } from '../../operators/sources/tushare/quota.ts';
import type { SimHandle } from '../../sim/index.ts';
import { errors, out, readQmt, readTushare, simWithContext } from './helpers.ts';

const DAY = '20241231';

describe('Tushare error handling against the simulator', () => {
  let sim: SimHandle;
  let ctx: Context;
  beforeAll(
    async () =>
      ({ sim, ctx } = await simWithContext({ symbols: 200, from: '20241201', to: '20241231', seed: 9 })),
  );
  afterAll(() => sim.stop());

  const adapter = (events: TushareEvent[] = [], extra = {}) =>
    new TushareAdapter({
      baseUrl: sim.tushareUrl,
      token: async () => sim.tushareToken,
      retryDelaysMs: [5, 10, 20],
      rateLimitWaitMs: 30,
      timeoutMs: 1500,
      onEvent: (e) => events.push(e),
      ...extra,
    });

  it('40101: fatal (P0), never retried, ends the source', async () => {
    sim.setFaults([{ kind: 'invalid_token', target: 'tushare' }]);
    const events: TushareEvent[] = [];
    const ts = adapter(events);
    const before = sim.stats.tushare.requests;
    const err = await ts.call('daily', { trade_date: DAY }).catch((e) => e);
    expect(err).toBeInstanceOf(TushareError);
    expect(err).toMatchObject({ kind: 'auth', fatal: true, level: 'P0', code: 40101 });
    expect(sim.stats.tushare.requests - before).toBe(1);
    expect(events).toEqual([expect.objectContaining({ type: 'fatal', level: 'P0' })]);
    await expect(readTushare(sim, ctx, { trade_date: DAY })).rejects.toThrow(/40101/);
    await ts.close();
  });

  it('40203 per-minute: waits and retries; daily limit: QuotaExhausted event and error; no permission: dead letter', async () => {
    sim.setFaults([{ kind: 'rate_limit', target: 'tushare', count: 2 }]);
    const events: TushareEvent[] = [];
    const ts = adapter(events);
    const page = await ts.call('daily', { trade_date: DAY });
    expect(page.rows.length).toBeGreaterThan(100);
    expect(events.filter((e) => e.type === 'rate_limited')).toHaveLength(2);

    sim.setFaults([{ kind: 'daily_quota', target: 'tushare', api: 'adj_factor' }]);
    const err = await ts.call('adj_factor', { trade_date: DAY }).catch((e) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect(err).toMatchObject({ endpoint: 'adj_factor', scope: 'daily' });
    expect(events.at(-1)).toMatchObject({ type: 'quota_exhausted', api: 'adj_factor', level: 'P1' });
    await expect(readTushare(sim, ctx, { datasets: ['adj_factor'], trade_date: DAY })).rejects.toThrow(
      /每天最多/,
    );

    sim.setFaults([{ kind: 'no_permission', target: 'tushare', api: 'report_rc' }]);
    const es = await readTushare(sim, ctx, { datasets: ['report_rc', 'daily'], trade_date: DAY });
    expect(errors(es)).toEqual([
      expect.objectContaining({
        kind: 'permission',
        code: 40203,
        reason: expect.stringMatching(/没有接口访问权限/),
      }),
    ]);
    expect(out(es).map((r) => r.dataset)).toEqual(['daily']);
    await ts.close();
  });

  it('legacy codes: -1000 and 50101 retried, -2001 (bad field) not', async () => {
    sim.setFaults([{ kind: 'legacy_error', target: 'tushare', count: 3 }]);
    const events: TushareEvent[] = [];
    const ts = adapter(events);
    expect((await ts.call('daily', { trade_date: DAY })).rows.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'retry').map((e) => e.message)).toEqual([
      expect.stringMatching(/code (-1000|50101)/),
      expect.anything(),
      expect.anything(),
    ]);
    sim.setFaults([]);
    const before = sim.stats.tushare.requests;
    await expect(ts.call('daily', { trade_date: DAY }, 'ts_code,nonsense')).rejects.toMatchObject({
      kind: 'bad_request',
      code: -2001,
    });
    expect(sim.stats.tushare.requests - before).toBe(1);
    await ts.close();
  });

  it('5xx, resets and timeouts: retried on the schedule, then fail over', async () => {
    const events: TushareEvent[] = [];
    const ts = adapter(events);
    sim.setFaults([
      { kind: 'http_5xx', target: 'tushare', count: 1 },
      { kind: 'outage', target: 'tushare', after: 1, count: 1 },
      { kind: 'timeout', target: 'tushare', ms: 4000, after: 2, count: 1 },
    ]);
    expect((await ts.call('daily', { trade_date: DAY })).rows.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'retry').map((e) => e.message)).toEqual([
      expect.stringMatching(/HTTP 502/),
      expect.stringMatching(/network error/),
      expect.stringMatching(/timed out after 1500 ms/),
    ]);
    sim.setFaults([{ kind: 'http_5xx', target: 'tushare', status: 503 }]);
    const before = sim.stats.tushare.requests;
    const err = await ts.call('daily', { trade_date: DAY }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'http', failover: true });
    expect(sim.stats.tushare.requests - before).toBe(4);
    expect(events.at(-1)).toMatchObject({ type: 'failover' });
    await expect(readTushare(sim, ctx, { trade_date: DAY })).rejects.toThrow(/HTTP 503/);
    sim.setFaults([]);
    await ts.close();
  });

  it('calls the quota gate before every call; an exhausted quota stops before any request', async () => {
    const asked: string[] = [];
    let left = 2;
    const quota = {
      async acquire(endpoint: string) {
        asked.push(endpoint);
        if (left-- <= 0) throw new QuotaExhaustedError(endpoint, 'daily');
      },
    };
    const events: TushareEvent[] = [];
    const ts = adapter(events, { quota });
    await ts.call('daily', { trade_date: DAY });
    await ts.call('adj_factor', { trade_date: DAY });
    const before = sim.stats.tushare.requests;
    await expect(ts.call('daily_basic', { trade_date: DAY })).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect(sim.stats.tushare.requests).toBe(before);
    expect(asked).toEqual(['daily', 'adj_factor', 'daily_basic']);
    expect(events.at(-1)).toMatchObject({ type: 'quota_exhausted', api: 'daily_basic' });
    await ts.close();
  });
});

describe('Tushare success rate under a 5% injected transient-failure rate', () => {
  it('stays ≥ 99.5% per endpoint with retries, and the metric says so', async () => {
    const { sim, ctx } = await simWithContext({ symbols: 60, from: '20241201', to: '20241231', seed: 21 });
    try {
      sim.setFaults({
        seed: 21,
        rules: [
          { kind: 'http_5xx', target: 'tushare', rate: 0.025 },
          { kind: 'outage', target: 'tushare', rate: 0.0125 },
          { kind: 'legacy_error', target: 'tushare', rate: 0.0125 },
        ],
      });
      const ts = new TushareAdapter({
        baseUrl: sim.tushareUrl,
        token: async () => sim.tushareToken,
        retryDelaysMs: [1, 2, 4],
        timeoutMs: 2000,
        metrics: ctx.metrics,
      });
      const codes = sim.market.instruments.map((i) => i.ts_code).filter((c) => sim.market.daily(c, DAY));
      let ok = 0;
      let failed = 0;
      let empty = 0;
      const calls = 400;
      for (let i = 0; i < calls; i++) {
        const api = ['daily', 'adj_factor'][i % 2];
        try {
          const page = await ts.call(api, {
            ts_code: codes[i % codes.length],
            start_date: '20241220',
            end_date: DAY,
          });
          if (page.rows.length === 0) empty++;
          ok++;
        } catch {
          failed++;
        }
      }
      const attempts = sim.stats.tushare.requests;
      expect(empty).toBe(0);
      expect(attempts).toBeGreaterThan(calls + 5); // failures were injected and retried
      expect(ok / calls).toBeGreaterThanOrEqual(0.995);
      expect(ok + failed).toBe(calls);
      const rates = ts.successRates();
      for (const api of ['daily', 'adj_factor']) expect(rates[api].ratio).toBeGreaterThanOrEqual(0.995);
      const gauge = await ctx.metrics.registry.getSingleMetric('argus_source_success_ratio')!.get();
      expect(gauge.values.map((v) => [v.labels.endpoint, v.value])).toEqual([
        ['daily', rates.daily.ratio],
        ['adj_factor', rates.adj_factor.ratio],
      ]);
      // The same faults without retries: the rate would miss the target, so the retries earn it.
      const bare = new TushareAdapter({
        baseUrl: sim.tushareUrl,
        token: async () => sim.tushareToken,
        retryDelaysMs: [],
        timeoutMs: 2000,
      });
      let bareOk = 0;
      for (let i = 0; i < 200; i++)
        bareOk += await bare.call('daily', { ts_code: codes[i % codes.length], trade_date: DAY }).then(
          () => 1,
          () => 0,
        );
      expect(bareOk / 200).toBeLessThan(0.995);
      await bare.close();
      console.log(
        `tushare success rate: ${ok}/${calls} calls (${attempts} attempts, ${(((attempts - calls) / attempts) * 100).toFixed(1)}% of attempts failed and were retried)`,
      );
      await ts.close();
    } finally {
      await sim.stop();
    }
  });
});

describe('QMT agent quirks against the simulator', () => {
  let sim: SimHandle;
  let ctx: Context;
  beforeAll(
    async () =>
      ({ sim, ctx } = await simWithContext({
        symbols: 120,
        from: '20241201',
        to: '20241231',
        seed: 4,
        outageStallMs: 400,
        qmtRateLimit: { perMinute: 1000, perHour: 10000 },
      })),
  );
  afterAll(() => sim.stop());

  it('a wrong API key (bare 500) is fatal after waiting out the rate-limit window', async () => {
    const { testContext } = await import('../../engine/testing/context.ts');
    const bad = testContext({ secrets: async () => 'not-the-key' });
    const before = sim.stats.qmt.rejected;
    await expect(readQmt(sim, bad, { trade_date: DAY })).rejects.toThrow(/API key rejected/);
    expect(sim.stats.qmt.rejected - before).toBe(3);
  });

  it('a key or token that cannot be read stops the sources at once, naming the secret but not a value', async () => {
    const { testContext } = await import('../../engine/testing/context.ts');
    const missing = testContext({
      secrets: async (path, key) => {
        throw new Error(`secret ${path}#${key} is not set`);
      },
    });
    const before = { qmt: sim.stats.qmt.requests, ts: sim.stats.tushare.requests };
    await expect(readQmt(sim, missing, { trade_date: DAY })).rejects.toThrow(
      /cannot read the agent API key: secret kv\/argus\/qmt#api_key is not set/,
    );
    await expect(readTushare(sim, missing, { trade_date: DAY })).rejects.toThrow(
      /cannot read the Tushare token: secret kv\/argus\/tushare#token is not set/,
    );
    expect({ qmt: sim.stats.qmt.requests, ts: sim.stats.tushare.requests }).toEqual(before);
  });

  it('QMT down: the stall-then-500 is retried; an outage that outlasts the retries fails the source', async () => {
    sim.setFaults([{ kind: 'outage', target: 'qmt', api: 'hist_kline', count: 1 }]);
    const es = await readQmt(sim, ctx, { trade_date: DAY, batch_size: 1000, timeout_ms: 2000 });
    expect(out(es).length).toBeGreaterThan(100);
    sim.setFaults([{ kind: 'outage', target: 'qmt', api: 'hist_kline' }]);
    await expect(readQmt(sim, ctx, { trade_date: DAY, batch_size: 1000, timeout_ms: 2000 })).rejects.toThrow(
      /HTTP 500: Internal server error/,
    );
    sim.setFaults([{ kind: 'outage', target: 'qmt', api: 'hist_kline', ms: 5000 }]);
    await expect(
      readQmt(sim, ctx, { trade_date: DAY, batch_size: 1000, timeout_ms: 150, retry_delays_ms: [5] }),
    ).rejects.toThrow(/no answer within 150 ms/);
    sim.setFaults([]);
  });

  it('both envelopes and success:false with HTTP 200', async () => {
    const current = out(await readQmt(sim, ctx, { trade_date: DAY }));
    for (const envelope of ['legacy', 'mixed'] as const) {
      const other = await simWithContext({
        symbols: 120,
        from: '20241201',
        to: '20241231',
        seed: 4,
        envelope,
      });
      try {
        const recs = out(await readQmt(other.sim, other.ctx, { trade_date: DAY, batch_size: 30 }));
        expect(recs.map((r) => [r.symbol, r.rows])).toEqual(current.map((r) => [r.symbol, r.rows]));
        other.sim.setFaults([{ kind: 'legacy_error', target: 'qmt', api: 'hist_kline', count: 1 }]);
        const again = await readQmt(other.sim, other.ctx, { trade_date: DAY, batch_size: 1000 });
        expect(out(again)).toHaveLength(current.length);
      } finally {
        await other.sim.stop();
      }
    }
    const legacy = await simWithContext({
      symbols: 20,
      from: '20241201',
      to: '20241231',
      seed: 4,
      envelope: 'legacy',
    });
    try {
      const es = await readQmt(legacy.sim, legacy.ctx, {
        datasets: ['instrument_detail'],
        symbols: ['600000.SH'],
      });
      expect(errors(es)).toEqual([
        expect.objectContaining({
          kind: 'agent',
          reason: expect.stringMatching(/success:false: Instrument not found/),
        }),
      ]);
    } finally {
      await legacy.sim.stop();
    }
  });
});

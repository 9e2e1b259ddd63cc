/**
 * Quota exhaustion on the real `tushare` collector (simulator + shared Redis): a supplementary-data
 * job fails with a P1 `QuotaExhaustedError` at the limit — the calls that reach the API stop there —
 * and the exhaustion raises exactly one P1 alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Source } from '../../engine/api/index.ts';
import { QuotaManager, RedisStore, type QuotaEvent } from '../../engine/backends/quota/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import tushare from '../../operators/sources/tushare.ts';
import { startSimulator, type SimHandle } from '../../sim/index.ts';
import { services } from '../helpers/services.ts';
import { testConfig } from './fixtures.ts';

let sim: SimHandle;
beforeAll(async () => {
  sim = await startSimulator({ symbols: 40, from: '20241201', to: '20241231', seed: 3 });
});
afterAll(async () => {
  await sim?.stop();
});

describe('supplementary job at the quota limit', () => {
  it('fails with P1 after exactly the allowed calls; one P1 alert', async () => {
    const config = testConfig({ endpoints: { daily_basic: { daily: 3, perMinute: null } } });
    const quota = new QuotaManager({
      config,
      store: new RedisStore({ url: services().redis.url, keyPrefix: config.keyPrefix }),
    });
    const events: QuotaEvent[] = [];
    quota.onEvent((e) => events.push(e));
    const ctx = testContext({ backends: { quota }, secrets: async () => sim.tushareToken });
    const days = ['20241225', '20241226', '20241227', '20241230', '20241231'];
    const results: string[] = [];
    for (const day of days) {
      const src = (await tushare.create(
        {
          base_url: sim.tushareUrl,
          token: '${secret:kv/argus/tushare#token}',
          datasets: ['daily_basic'],
          trade_date: day,
          quota: 'quota',
          retry_delays_ms: [10],
        },
        ctx,
      )) as Source;
      await src.start?.();
      try {
        let rows = 0;
        for await (const e of src.read(new AbortController().signal)) rows += e.records.length;
        results.push(`ok:${rows > 0}`);
      } catch (err) {
        const e = err as { name?: string; level?: string; endpoint?: string; scope?: string };
        results.push(`${e.name}:${e.level}:${e.endpoint}:${e.scope}`);
      } finally {
        await src.close?.();
      }
    }
    expect(results).toEqual([
      'ok:true',
      'ok:true',
      'ok:true',
      'QuotaExhaustedError:P1:daily_basic:daily',
      'QuotaExhaustedError:P1:daily_basic:daily',
    ]);
    expect(sim.stats.tushare.byApi.daily_basic).toBe(3); // the refused jobs never reached the API
    expect(events.filter((e) => e.alert).map((e) => `${e.type}:${e.level}`)).toEqual([
      'threshold:P1',
      'exhausted:P1',
    ]);
    await quota.close();
  });

  it('with on_quota_exhausted: skip, a refused market-data endpoint is dead-lettered and the rest is collected', async () => {
    const config = testConfig({ endpoints: { daily: { daily: 0, perMinute: null } } });
    const quota = new QuotaManager({
      config,
      store: new RedisStore({ url: services().redis.url, keyPrefix: `${config.keyPrefix}:skip` }),
    });
    const ctx = testContext({ backends: { quota }, secrets: async () => sim.tushareToken });
    const before = sim.stats.tushare.byApi.daily ?? 0;
    const src = (await tushare.create(
      {
        base_url: sim.tushareUrl,
        token: '${secret:kv/argus/tushare#token}',
        datasets: ['daily', 'adj_factor'],
        trade_date: '20241231',
        quota: 'quota',
        on_quota_exhausted: 'skip',
        retry_delays_ms: [10],
      },
      ctx,
    )) as Source;
    await src.start?.();
    const out: { port: string; dataset?: unknown; rows: number; reason?: unknown; level?: unknown }[] = [];
    for await (const e of src.read(new AbortController().signal)) {
      for (const r of e.records)
        out.push({
          port: e.port ?? 'out',
          dataset: (r.record as any)?.dataset ?? r.dataset,
          rows: (r.rows as unknown[] | undefined)?.length ?? 0,
          reason: r.reason,
          level: r.level,
        });
    }
    await src.close?.();
    expect(out.filter((o) => o.port === 'error').map((o) => [o.dataset, o.level])).toEqual([['daily', 'P1']]);
    expect(out.find((o) => o.port === 'error')?.reason).toMatch(/daily/);
    expect(out.filter((o) => o.port === 'out').map((o) => o.dataset)).toEqual(['adj_factor']);
    expect(out.find((o) => o.port === 'out')!.rows).toBeGreaterThan(0);
    expect((sim.stats.tushare.byApi.daily ?? 0) - before).toBe(0); // refused before reaching the API
    await quota.close();
  });
});

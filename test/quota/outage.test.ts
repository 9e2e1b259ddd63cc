/**
 * One process and a Redis that is down when it starts: no reservation could be made, so no call is
 * granted (the limit cannot be checked); the refusal says why and stops the provider only briefly;
 * when Redis comes up the manager resyncs by itself, and a real exhaustion later that day is still
 * signalled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  QuotaExhaustedError,
  QuotaManager,
  RedisStore,
  type QuotaEvent,
} from '../../engine/backends/quota/index.ts';
import { startRedis, type RedisProcess } from './redis-process.ts';
import { testConfig } from './fixtures.ts';

let redis: RedisProcess | undefined;
afterEach(async () => {
  await redis?.stop();
});

describe('Redis down at start-up', () => {
  it('refuses with a clear reason, resyncs when Redis appears, then works to the limit', async () => {
    redis = await startRedis('none');
    await redis.kill();
    const config = testConfig({
      endpoints: { daily: { daily: 20, perMinute: null } },
      localBudget: { fraction: 0.1, maxCalls: 5, rateFraction: 1 },
    });
    const quota = new QuotaManager({
      config,
      store: new RedisStore({ url: redis.url, keyPrefix: config.keyPrefix }),
    });
    const events: QuotaEvent[] = [];
    quota.onEvent((e) => events.push(e));
    await quota.start();
    expect(quota.backendMode).toBe('local');
    expect(events.map((e) => `${e.type}:${e.level}:${e.alert}`)).toEqual(['degraded:P2:true']);

    const t0 = Date.now();
    const err = (await quota.acquire('daily').catch((e) => e)) as QuotaExhaustedError;
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect(err.message).toMatch(
      /quota store is unreachable and the local budget \(reserved calls\) is used up; retry in 30 s/,
    );
    const stop = events.find((e) => e.type === 'exhausted')!;
    expect(stop.alert).toBe(false);
    expect(Number(stop.details?.resetsAt) - t0).toBeLessThanOrEqual(31_000); // a short stop, not until midnight

    await redis.restart();
    const deadline = Date.now() + 10_000;
    while (quota.backendMode !== 'store' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(quota.backendMode).toBe('store');
    expect(events.some((e) => e.type === 'resynced' && e.alert)).toBe(true);

    let granted = 0;
    for (let i = 0; i < 30; i++) {
      try {
        await quota.acquire('daily');
        granted++;
      } catch (e) {
        expect(e).toBeInstanceOf(QuotaExhaustedError);
      }
    }
    expect(granted).toBe(20); // 18 from the shared counter + the 2 reserved
    expect(events.filter((e) => e.type === 'exhausted' && !e.alert)).toHaveLength(2); // outage stop + the real one
    await quota.close();
  });
});

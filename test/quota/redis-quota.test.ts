/**
 * The quota manager on a real Redis: atomic check-and-increment under concurrency, the per-minute
 * window, the 90% alert once per crossing, and expiry at the policy's day boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  QuotaExhaustedError,
  QuotaManager,
  RedisStore,
  type QuotaConfig,
  type QuotaEvent,
} from '../../engine/backends/quota/index.ts';
import { services } from '../helpers/services.ts';
import { testConfig } from './fixtures.ts';

const redis = {
  get url() {
    return services().redis.url;
  },
};
let admin: Redis;
const managers: QuotaManager[] = [];

beforeAll(async () => {
  admin = new Redis(redis.url);
});
afterAll(async () => {
  for (const m of managers) await m.close().catch(() => {});
  admin?.disconnect();
});

async function manager(config: QuotaConfig, now?: () => number): Promise<QuotaManager> {
  const m = new QuotaManager({
    config,
    store: new RedisStore({ url: redis.url, keyPrefix: config.keyPrefix }),
    now,
  });
  managers.push(m);
  await m.start();
  return m;
}

async function settleAll(ms: QuotaManager[], perManager: number, endpoint = 'daily') {
  const results = await Promise.allSettled(
    ms.flatMap((m) => Array.from({ length: perManager }, () => m.acquire(endpoint))),
  );
  const granted = results.filter((r) => r.status === 'fulfilled').length;
  const refused = results.filter(
    (r) => r.status === 'rejected' && r.reason instanceof QuotaExhaustedError,
  ).length;
  return { granted, refused, other: results.length - granted - refused };
}

describe('quota manager on Redis', () => {
  it('grants exactly the daily limit to 8 concurrent clients racing 800 calls', async () => {
    const config = testConfig({ endpoints: { daily: { daily: 300, perMinute: null } } });
    const ms = await Promise.all(Array.from({ length: 8 }, () => manager(config)));
    const r = await settleAll(ms, 100);
    expect(r).toEqual({ granted: 300, refused: 500, other: 0 });
    expect(Number(await admin.get(`${config.keyPrefix}:usage:daily`))).toBe(300);
  });

  it('keeps the per-minute window across clients (sliding, Redis time)', async () => {
    const config = testConfig({ endpoints: { daily: { daily: 10_000, perMinute: 37 } } });
    const ms = await Promise.all(Array.from({ length: 4 }, () => manager(config)));
    const r = await settleAll(ms, 25);
    expect(r.granted).toBe(37);
    expect(r.refused).toBe(63);
    // The refusals are per-minute ones, not daily ones.
    await expect(ms[0].acquire('daily')).rejects.toMatchObject({ scope: 'minute', limit: 37 });
  });

  it('fires the 90% alert once per crossing and the exhausted alert once, across processes', async () => {
    let now = Date.parse('2026-03-02T10:00:00+08:00');
    const config = testConfig({ endpoints: { daily: { daily: 50, perMinute: null } } });
    const events: QuotaEvent[] = [];
    const ms = await Promise.all(Array.from({ length: 4 }, () => manager(config, () => now)));
    ms.forEach((m) => m.onEvent((e) => events.push(e)));
    await settleAll(ms, 20);
    const alerts = () => events.filter((e) => e.alert).map((e) => `${e.type}:${e.level}:${e.used}`);
    // Once each; concurrent clients may report them in either order.
    expect(alerts().sort()).toEqual(['exhausted:P1:50', 'threshold:P1:45']);
    // Every process gets its local stop signal once (not an alert), however often it is refused.
    for (const m of ms)
      for (let i = 0; i < 2; i++)
        await expect(m.acquire('daily')).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect(events.filter((e) => e.type === 'exhausted' && !e.alert)).toHaveLength(4);

    // Next day (the counter expires at Beijing midnight): the threshold can be crossed again, once.
    await admin.del(`${config.keyPrefix}:usage:daily`); // stands in for the real expiry, tested below
    now = Date.parse('2026-03-03T09:00:00+08:00');
    events.length = 0;
    await settleAll(ms, 12); // 48 calls: crosses 45, not 50
    expect(alerts()).toEqual(['threshold:P1:45']);
  });

  it('expires the daily counter at midnight of the policy time zone', async () => {
    let now = Date.parse('2026-03-02T23:59:59.000+08:00'); // one second before Beijing midnight
    const config = testConfig({ endpoints: { daily: { daily: 3, perMinute: null } } });
    const m = await manager(config, () => now);
    for (let i = 0; i < 3; i++) await m.acquire('daily');
    await expect(m.acquire('daily')).rejects.toMatchObject({ scope: 'daily', used: 3 });
    const ttl = await admin.pttl(`${config.keyPrefix}:usage:daily`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, 1100));
    now = Date.parse('2026-03-03T00:00:00.100+08:00');
    await m.acquire('daily');
    expect(Number(await admin.get(`${config.keyPrefix}:usage:daily`))).toBe(1);
    // The consumption history keeps both days for the cost view.
    expect(await admin.get(`${config.keyPrefix}:history:daily:2026-03-02`)).toBe('3');
    expect(await admin.get(`${config.keyPrefix}:history:daily:2026-03-03`)).toBe('1');
  });

  it('an endpoint without a daily limit is only rate limited', async () => {
    const config = testConfig({ defaults: { daily: null, perMinute: 5 } });
    const m = await manager(config);
    for (let i = 0; i < 5; i++) await m.acquire('stock_basic');
    await expect(m.acquire('stock_basic')).rejects.toMatchObject({ scope: 'minute' });
  });
});

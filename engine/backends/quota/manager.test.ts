import { describe, expect, it } from 'vitest';
import { QuotaManager } from './manager.ts';
import { MemoryStore } from './memory-store.ts';
import { QuotaExhaustedError, type QuotaConfig } from './types.ts';

const base: QuotaConfig = {
  name: 'tushare',
  keyPrefix: 'tushare:quota',
  timeZone: 'Asia/Shanghai',
  endpoints: { daily: { daily: 1000, perMinute: 3 } },
  defaults: { daily: null, perMinute: 2 },
  alertRatio: 0.9,
  localBudget: { fraction: 0, maxCalls: 0, rateFraction: 1 },
  onStateLoss: 'assume_exhausted',
  maxWaitMs: 65_000,
  budget: { dailyCalls: null, weeklyCalls: null, alertRatio: 0.9 },
  marketDataEndpoints: ['daily'],
};

/** A manager on the embedded store with a clock the injected sleep advances. */
function clocked(config = base) {
  let t = Date.parse('2026-03-02T10:00:00+08:00');
  const waits: number[] = [];
  const quota = new QuotaManager({
    config,
    store: new MemoryStore(() => t),
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  });
  return { quota, waits, advance: (ms: number) => (t += ms) };
}

describe('QuotaManager (embedded store)', () => {
  it('waits for a per-minute slot instead of failing, then grants', async () => {
    const { quota, waits } = clocked();
    for (let i = 0; i < 3; i++) await quota.acquire('daily');
    expect(waits).toEqual([]);
    await quota.acquire('daily'); // the 4th call of the minute waits for the oldest to leave the window
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(59_000);
    expect(waits[0]).toBeLessThanOrEqual(60_001);
  });

  it('gives up with a minute-scoped error when the wait would exceed max_wait_ms', async () => {
    const { quota } = clocked({ ...base, maxWaitMs: 1000 });
    for (let i = 0; i < 3; i++) await quota.acquire('daily');
    const err = await quota.acquire('daily').catch((e) => e);
    expect(err).toBeInstanceOf(QuotaExhaustedError);
    expect(err).toMatchObject({ scope: 'minute', endpoint: 'daily', limit: 3, level: 'P1' });
    expect(err.message).toMatch(/per-minute limit of endpoint "daily" \(3\/min\)/);
  });

  it('refuses at the daily limit with the time to the Beijing midnight reset', async () => {
    const { quota, advance } = clocked({ ...base, endpoints: { daily: { daily: 2, perMinute: null } } });
    await quota.acquire('daily');
    await quota.acquire('daily');
    advance(60 * 60_000); // 11:00 Beijing → 13 h to midnight
    const err = await quota.acquire('daily').catch((e) => e);
    expect(err).toMatchObject({ scope: 'daily', used: 2, limit: 2, retryAfterMs: 13 * 3600_000 });
  });

  it('applies the default rate to endpoints the policy does not list', async () => {
    const { quota, waits } = clocked();
    await quota.acquire('trade_cal');
    await quota.acquire('trade_cal');
    await quota.acquire('trade_cal');
    expect(waits).toHaveLength(1);
  });
});

/**
 * The cost view on a real Redis: daily and 7-day consumption from the history counters, the budget
 * alert once per period and day across processes, the dashboard metrics, and `argus quota status`.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkBudget,
  costView,
  QuotaManager,
  RedisStore,
  type QuotaEvent,
} from '../../engine/backends/quota/index.ts';
import { registerQuotaCommand } from '../../engine/backends/quota/command.ts';
import { createMetrics } from '../../engine/observability/metrics.ts';
import { services } from '../helpers/services.ts';
import { testConfig } from './fixtures.ts';

const redis = {
  get url() {
    return services().redis.url;
  },
};
let admin: Redis;
beforeAll(async () => {
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
});

describe('cost view', () => {
  it('sums today and the last 7 days, alerts once above 90% of the budget, publishes metrics', async () => {
    const now = Date.parse('2026-03-05T14:00:00+08:00');
    const config = testConfig({
      endpoints: { daily: { daily: 1000, perMinute: null }, adj_factor: { daily: 1000, perMinute: null } },
      budget: { dailyCalls: 20, weeklyCalls: 100, alertRatio: 0.9 },
    });
    // Earlier days of the week, as left by previous runs (history counters survive the daily reset).
    await admin.set(`${config.keyPrefix}:history:daily:2026-03-01`, 40);
    await admin.set(`${config.keyPrefix}:history:adj_factor:2026-02-27`, 30);
    await admin.set(`${config.keyPrefix}:history:daily:2026-02-26`, 500); // 8 days ago: outside the window
    const metrics = createMetrics();
    const ms = [0, 1].map(
      () =>
        new QuotaManager({
          config,
          store: new RedisStore({ url: redis.url, keyPrefix: config.keyPrefix }),
          now: () => now,
          metrics,
        }),
    );
    const events: QuotaEvent[] = [];
    for (const m of ms) {
      m.onEvent((e) => events.push(e));
      await m.start();
    }
    for (let i = 0; i < 12; i++) await ms[i % 2].acquire('daily');
    for (let i = 0; i < 7; i++) await ms[i % 2].acquire('adj_factor');

    const view = await costView(ms[0], [], now);
    expect(view.day).toBe('2026-03-05');
    expect(view.days[0]).toBe('2026-02-27');
    expect(view.total).toEqual({ today: 19, week: 89 });
    expect(view.endpoints.find((e) => e.endpoint === 'daily')).toMatchObject({
      today: 12,
      week: 52,
      limit: 1000,
    });
    expect(view.budget).toMatchObject({ dailyRatio: 0.95, weeklyRatio: 0.89 });

    await Promise.all(ms.map((m) => checkBudget(m, now)));
    await Promise.all(ms.map((m) => checkBudget(m, now)));
    const budget = events.filter((e) => e.type === 'budget');
    expect(budget.map((e) => `${e.details?.period}:${e.used}/${e.limit}`)).toEqual(['day:19/20']); // week is 89% — below 90%

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/argus_quota_consumption_calls\{policy="test",period="week"\} 89/);
    expect(text).toMatch(/argus_quota_budget_ratio\{policy="test",period="day"\} 0\.95/);
    expect(text).toMatch(/argus_quota_calls_total\{policy="test",endpoint="daily",outcome="granted"\} 12/);
    for (const m of ms) await m.close();
  });

  it('`argus quota status` prints usage and consumption from Redis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-quota-cli-'));
    const prefix = `cli${Date.now()}:quota`;
    const file = join(dir, 'quotas.yaml');
    writeFileSync(
      file,
      `apiVersion: argus/v1\nkind: QuotaPolicy\nmetadata: {name: tushare, version: 1}\nspec:\n  provider: tushare\n  key_prefix: "${prefix}"\n` +
        `  time_zone: Asia/Shanghai\n  points: 2000\n  rate_tiers: [{min_points: 120, per_minute: 50}]\n  endpoints: {daily: {daily_limit: 20000}}\n` +
        `  alert_ratio: 0.9\n  budget: {daily_calls: 1000}\n`,
    );
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());
    await admin.set(`${prefix}:usage:daily`, 18500);
    await admin.set(`${prefix}:history:daily:${day}`, 500);
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      const program = new Command().exitOverride();
      registerQuotaCommand(program);
      await program.parseAsync(['quota', 'status', '--policy', file, '--redis', redis.url], { from: 'user' });
    } finally {
      console.log = log;
    }
    expect(lines.find((l) => l.startsWith('daily'))).toMatch(/^daily\s+18500\s+20000\s+92\.5%\s+500$/);
    expect(lines.at(-1)).toContain('consumption today 500 (budget 1000, 50.0%)');
  });
});

import { describe, expect, it } from 'vitest';
import { createAlertBackend, type AlertEvent } from '../alerts/index.ts';
import { forwardQuotaAlerts } from './alerts.ts';
import { QuotaManager } from './manager.ts';
import { MemoryStore } from './memory-store.ts';
import type { QuotaConfig } from './types.ts';

const config: QuotaConfig = {
  name: 'tushare',
  keyPrefix: 'tushare:quota',
  timeZone: 'Asia/Shanghai',
  endpoints: { dividend: { daily: 10, perMinute: null } },
  defaults: { daily: null, perMinute: null },
  alertRatio: 0.9,
  localBudget: { fraction: 0, maxCalls: 0, rateFraction: 1 },
  onStateLoss: 'assume_exhausted',
  maxWaitMs: 0,
  budget: { dailyCalls: null, weeklyCalls: null, alertRatio: 0.9 },
  marketDataEndpoints: [],
};

describe('quota alerts → alerts backend', () => {
  it('fires P1 at 90% and at exhaustion once, P2 for a store outage that resolves on resync', async () => {
    const sent: AlertEvent[] = [];
    const alerts = createAlertBackend({
      receivers: { test: { name: 'test', send: async (es) => void sent.push(...es) } },
    });
    const quota = new QuotaManager({
      config,
      store: new MemoryStore(() => Date.parse('2026-03-02T10:00:00+08:00')),
      now: () => Date.parse('2026-03-02T10:00:00+08:00'),
    });
    forwardQuotaAlerts(quota, alerts);
    for (let i = 0; i < 10; i++) await quota.acquire('dividend');
    for (let i = 0; i < 3; i++) await quota.acquire('dividend').catch(() => {});
    // The store outage/resync pair as the manager emits it (the real outage is tested on Redis).
    quota.emit({ type: 'degraded', level: 'P2', alert: true, message: 'store down' });
    quota.emit({ type: 'resynced', level: 'P2', alert: true, message: 'store back' });
    await new Promise((r) => setTimeout(r, 20));
    expect(
      sent.map(
        (e) => `${e.name}/${e.severity}/${e.status}/${e.labels.endpoint ?? '-'}/${e.labels.day ?? '-'}`,
      ),
    ).toEqual([
      'QuotaUsageHigh/P1/firing/dividend/2026-03-02',
      'QuotaExhausted/P1/firing/dividend/2026-03-02',
      'QuotaStoreUnavailable/P2/firing/-/-',
      'QuotaStoreUnavailable/P2/resolved/-/-',
    ]);
    expect(sent[0].annotations).toMatchObject({ used: '9', limit: '10' });
    await alerts.close();
  });
});

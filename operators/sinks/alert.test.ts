import { describe, expect, it } from 'vitest';
import { createAlertBackend } from '../../engine/backends/alerts/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { runSink } from '../../engine/testing/drivers.ts';
import { repoQualitySpecs } from '../lib/quality/policies.ts';
import alert from './alert.ts';

const setup = () => {
  const alerts = createAlertBackend({ receivers: { log: { type: 'log' } } });
  return { alerts, ctx: testContext({ specs: repoQualitySpecs(), pipeline: 'gold', backends: { alerts } }) };
};

describe('alert sink', () => {
  it('does not resolve an alert from a record that lacks the rule field', async () => {
    const { alerts, ctx } = setup();
    await runSink(
      alert,
      {},
      [[{ trade_date: '2024-12-31', composite: 80 }], [{ trade_date: '2025-01-02', consistency_ratio: 1 }]],
      ctx,
    );
    expect(alerts.active().map((a) => a.name)).toEqual(['DQCompositeScoreRed']);
    await runSink(alert, {}, [[{ trade_date: '2025-01-02', composite: 97 }]], ctx);
    expect(alerts.active()).toHaveLength(0);
    expect(alerts.history().map((e) => `${e.name}:${e.status}`)).toEqual([
      'DQCompositeScoreRed:firing',
      'DQCompositeScoreRed:resolved',
    ]);
    const text = await ctx.metrics.registry.metrics();
    expect(text).toMatch(
      /argus_alerts_total\{alertname="DQCompositeScoreRed",severity="P1",status="resolved"\} 1/,
    );
  });

  it('evaluates only the configured rules and adds configured labels', async () => {
    const { alerts, ctx } = setup();
    await runSink(
      alert,
      { rules: ['DQCloseMissing'], labels: { env: 'test' } },
      [[{ composite: 10, close_missing_rate: 0.2, trade_date: 'x' }]],
      ctx,
    );
    expect(alerts.active()).toMatchObject([
      { name: 'DQCloseMissing', severity: 'P0', labels: { pipeline: 'gold', env: 'test' } },
    ]);
    expect(alerts.active()[0].annotations.summary).toBe('close missing for 20% of symbols on x');
  });

  it('rejects an unknown rule name at create', () => {
    expect(() => alert.create({ rules: ['Nope'] }, setup().ctx)).toThrow(
      /rule "Nope" is not defined in AlertPolicy "default"/,
    );
  });

  it('errors the batch (for redelivery) when a receiver is down', async () => {
    const alerts = createAlertBackend({
      receivers: { webhook: { type: 'webhook', url: 'http://127.0.0.1:9/none', retries: 0 } },
    });
    const ctx = testContext({ specs: repoQualitySpecs(), backends: { alerts } });
    await expect(runSink(alert, {}, [[{ composite: 10 }]], ctx)).rejects.toThrow(/alert receiver "webhook"/);
  });
});

describe('alert resolution text', () => {
  it('keeps the firing summary and adds the resolving one', async () => {
    const { alerts, ctx } = setup();
    await runSink(
      alert,
      { rules: ['DQKeyFieldMissing'] },
      [[{ key_missing_max: 0.0333333, trade_date: 'd1' }], [{ key_missing_max: 0, trade_date: 'd2' }]],
      ctx,
    );
    const [fired, resolved] = alerts.history();
    expect(fired.annotations.summary).toBe('A key field is missing for 3.33% of rows on d1');
    expect(resolved.annotations).toMatchObject({
      summary: 'A key field is missing for 3.33% of rows on d1',
      resolution: 'A key field is missing for 0% of rows on d2',
    });
  });
});

/**
 * Operator-level acceptance scenarios of issue 6: consistency_gate → quality_score → alert sink,
 * with the repository's policies and a real alerts backend notifying a loopback webhook.
 * (The pipeline-level versions run the same days through `argus run` once the runtime lands.)
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Rec, SpecDoc } from '../../../engine/api/index.ts';
import { createAlertBackend } from '../../../engine/backends/alerts/index.ts';
import { testContext } from '../../../engine/testing/context.ts';
import { runSink, runTransform } from '../../../engine/testing/drivers.ts';
import alertSink from '../../sinks/alert.ts';
import gate from '../../transforms/consistency_gate.ts';
import score from '../../transforms/quality_score.ts';
import { marketDay, offsetCloses } from './fixtures.ts';
import { editPolicy, repoQualitySpecs } from './policies.ts';

const specs = repoQualitySpecs();
let server: Server;
let url = '';
const received: any[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    received.push(JSON.parse(body));
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  received.length = 0;
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2024-12-31T07:40:00Z')); // 15:40 Shanghai
});

/** Runs one trading day through gate → score → alerts; returns what would be published and notified. */
async function runDay(
  rows: Rec[],
  docs: SpecDoc[] = specs,
  alerts = createAlertBackend({ receivers: { log: { type: 'log' }, webhook: { type: 'webhook', url } } }),
) {
  const ctx = testContext({ specs: docs, pipeline: 'gold', backends: { alerts } });
  const gated = await runTransform(gate, {}, rows, ctx);
  const scored = gated.out ? await runTransform(score, {}, gated.out, ctx) : {};
  await runSink(alertSink, {}, [gated.verdict, ...(scored.report ? [scored.report] : [])], ctx);
  return {
    published: scored.out ?? [],
    quarantined: gated.quarantine ?? [],
    report: scored.report?.[0],
    verdict: gated.verdict[0],
    alerts,
  };
}

const day = (volatility: number) => marketDay({ symbols: 300, date: '2024-12-31', volatility, seed: 42 });

describe('quality scenarios', () => {
  it('a normal day is published with a score ≥ 95 (green) and no alert', async () => {
    const r = await runDay(day(0.018));
    expect(r.published).toHaveLength(300);
    expect(r.quarantined).toHaveLength(0);
    expect(Number(r.report!.composite)).toBeGreaterThanOrEqual(95);
    expect(r.report!.band).toBe('green');
    expect(r.published.every((x) => Number(x.data_quality_score) >= 95)).toBe(true);
    expect(received).toHaveLength(0);
  });

  it('a day with 3 % of closes off by 1 % is quarantined, nothing is published, and P1 fires once', async () => {
    const alerts = createAlertBackend({
      receivers: { log: { type: 'log' }, webhook: { type: 'webhook', url } },
    });
    const r = await runDay(offsetCloses(day(0.018), 0.03, 0.01), specs, alerts);
    expect(r.published).toHaveLength(0);
    expect(r.report).toBeUndefined();
    expect(r.quarantined).toHaveLength(300);
    expect(r.verdict).toMatchObject({ verdict: 'quarantined', consistency_ratio: 0.97 });
    expect(received).toHaveLength(1);
    expect(received[0].alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'DQConsistencyBelowTarget', severity: 'P1', pipeline: 'gold' },
    });
    expect(received[0].alerts[0].annotations.summary).toBe(
      'Multi-source consistency 97% below 99 % for 2024-12-31: batch quarantined',
    );
    // The same bad day re-run does not fire again; a good day resolves the episode.
    await runDay(offsetCloses(day(0.018), 0.03, 0.01), specs, alerts);
    expect(received).toHaveLength(1);
    await runDay(day(0.018), specs, alerts);
    expect(received.map((p) => p.status)).toEqual(['firing', 'resolved']);
  });

  it('with a volatility index of 4 % the 1.5× tier (0.75 %) publishes a day whose off closes are within it', async () => {
    const calm = await runDay(offsetCloses(day(0.018), 0.03, 0.007));
    expect(calm.verdict).toMatchObject({ verdict: 'quarantined', multiplier: 1 });
    received.length = 0;
    const volatile = await runDay(offsetCloses(day(0.04), 0.03, 0.007));
    expect(volatile.verdict).toMatchObject({
      verdict: 'published',
      multiplier: 1.5,
      tolerance_close: 0.0075,
    });
    expect(volatile.published).toHaveLength(300);
    expect(received).toHaveLength(0);
  });

  it('closes off by exactly 1 % need a ×2.0 multiplier at a 4 % index: editing the 3 % tier in the policy publishes them', async () => {
    const rows = offsetCloses(day(0.04), 0.03, 0.01);
    expect((await runDay(rows)).verdict).toMatchObject({ verdict: 'quarantined', multiplier: 1.5 });
    const edited = editPolicy(
      specs[0],
      (s) => (s.dynamic.tiers.find((t) => t.above === 0.03)!.multiplier = 2.0),
    );
    const r = await runDay(rows, [edited, ...specs.slice(1)]);
    expect(r.verdict).toMatchObject({ verdict: 'published', multiplier: 2 });
    expect(r.published).toHaveLength(300);
  });

  it('close missing for > 5 % of symbols fires P0 and P1 (key field) alerts from the daily report', async () => {
    const rows = day(0.018).map((x, i) => (i < 30 ? { ...x, close: null } : x)); // 10 %
    const r = await runDay(rows);
    expect(r.report).toMatchObject({ close_missing_rate: 0.1 });
    const fired = received
      .flatMap((p) => p.alerts)
      .map((a: any) => `${a.labels.severity}:${a.labels.alertname}`);
    expect(fired).toEqual(expect.arrayContaining(['P0:DQCloseMissing', 'P1:DQKeyFieldMissing']));
    expect(fired).not.toContain('P1:DQConsistencyBelowTarget');
  });
});

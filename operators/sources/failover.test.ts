import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../engine/backends/health/index.ts';
import { MemoryStore, QuotaManager, QuotaExhaustedError } from '../../engine/backends/quota/index.ts';
import type { Emission, Source } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import failover from './failover.ts';
import { REAL_DATA_DIR } from '../lib/hfq/real-data.ts';

// Real recorded Tushare bars stand in for both sources; the "miniQMT" file disappears during an
// outage, which makes the real `file` source fail the way a dead agent makes a collector fail.
const REAL = REAL_DATA_DIR;

function setup(health = new HealthRegistry(), backends: Record<string, unknown> = {}) {
  const ctx = testContext({ backends: { health, ...backends } });
  mkdirSync(join(ctx.paths.root, 'qmt'), { recursive: true });
  const qmtFile = join(ctx.paths.root, 'qmt', 'bars.csv');
  const up = () => copyFileSync(join(REAL, '600519.SH.csv'), qmtFile);
  const down = () => rmSync(qmtFile, { force: true });
  const config = {
    sources: [
      { name: 'miniQMT', type: 'file', config: { path: 'qmt/bars.csv' } },
      {
        name: 'Tushare',
        type: 'file',
        config: { path: join(REAL, '000001.SZ.csv') },
        quota_endpoints: ['daily'],
      },
    ],
    health: { unavailable_after: 2, probe_after_ms: 200 },
    lineage_field: 'served_by',
  };
  return { ctx, health, up, down, config };
}

async function readAll(src: Source): Promise<Emission[]> {
  const out: Emission[] = [];
  for await (const e of src.read(new AbortController().signal)) out.push(e);
  return out;
}

const servedBy = (es: Emission[]) => [...new Set(es.flatMap((e) => e.records.map((r) => r.served_by)))];

describe('failover source', () => {
  it('serves the primary, fails over on its outage, and switches back after a successful probe', async () => {
    const { ctx, health, up, down, config } = setup();
    const src = (await failover.create(config, ctx)) as Source;
    await src.start!();
    up();
    const first = await readAll(src);
    expect(servedBy(first)).toEqual(['miniQMT']);
    expect(first[0].records[0]).toMatchObject({ ts_code: '600519.SH', served_by: 'miniQMT' });
    expect(first[0].meta).toMatchObject({ failover: { source: 'miniQMT', probe: false } });

    down(); // outage: the primary errors, the same read is served by Tushare
    const second = await readAll(src);
    expect(servedBy(second)).toEqual(['Tushare']);
    expect(second[0].records[0].ts_code).toBe('000001.SZ');
    expect(health.get('miniQMT').state).toBe('degraded');
    await readAll(src);
    expect(health.get('miniQMT').state).toBe('unavailable');
    const down1 = health.get('miniQMT').transitions.find((t) => t.to === 'unavailable')!;
    expect(down1.detectionMs).toBeGreaterThanOrEqual(0);

    up(); // recovered, but still in its cooldown: not tried yet
    expect(servedBy(await readAll(src))).toEqual(['Tushare']);
    await new Promise((r) => setTimeout(r, 250));
    expect(health.get('miniQMT').state).toBe('probing');
    const back = await readAll(src);
    expect(servedBy(back)).toEqual(['miniQMT']);
    expect(back[0].meta).toMatchObject({ failover: { source: 'miniQMT', probe: true } });
    expect(health.get('miniQMT').state).toBe('healthy');
    expect(health.get('miniQMT').transitions.map((t) => t.to)).toEqual([
      'degraded',
      'unavailable',
      'probing',
      'healthy',
    ]);
    const switches = ctx.metrics.registry.getSingleMetric('argus_failover_switches_total');
    expect(
      (await switches!.get()).values.map((v) => `${v.labels.from}→${v.labels.to}=${v.value}`).sort(),
    ).toEqual(['Tushare→miniQMT=1', 'miniQMT→Tushare=1']);
    await src.close!();
  });

  it('an exhausted Tushare quota holds the backup; with the primary down too the read fails naming both', async () => {
    const quota = new QuotaManager({
      config: {
        name: 'tushare',
        keyPrefix: 't:quota',
        timeZone: 'Asia/Shanghai',
        endpoints: { daily: { daily: 2, perMinute: null } },
        defaults: { daily: null, perMinute: null },
        alertRatio: 0.9,
        localBudget: { fraction: 0, maxCalls: 0, rateFraction: 1 },
        onStateLoss: 'assume_exhausted',
        maxWaitMs: 0,
        budget: { dailyCalls: null, weeklyCalls: null, alertRatio: 0.9 },
        marketDataEndpoints: ['daily'],
      },
      store: new MemoryStore(),
    });
    await quota.start();
    const { ctx, health, down, config } = setup(new HealthRegistry(), { quota });
    // `market_data`: whatever the policy lists as market-data endpoints (here `daily`).
    const sources = [config.sources[0], { ...config.sources[1], quota_endpoints: 'market_data' as const }];
    const src = (await failover.create({ ...config, sources }, ctx)) as Source;
    await src.start!();
    await quota.acquire('daily');
    await quota.acquire('daily'); // reaches the limit: the exhausted event holds Tushare
    await expect(quota.acquire('daily')).rejects.toBeInstanceOf(QuotaExhaustedError);
    expect(health.get('Tushare').state).toBe('unavailable');
    expect(health.get('Tushare').transitions.at(-1)!.reason).toContain('quota of "daily" exhausted');
    down();
    await expect(readAll(src)).rejects.toThrow(
      /no source can serve: miniQMT degraded.*Tushare unavailable.*quota/,
    );
    await src.close!();
  });

  it('polls the agent health endpoint: a dead agent is unavailable before any read', async () => {
    const server = createServer((_q, res) => res.end('{"status":"healthy"}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
    const { ctx, health, up, config } = setup();
    up();
    const src = (await failover.create(
      { ...config, probe: { source: 'miniQMT', url, interval_ms: 100, timeout_ms: 200 } },
      ctx,
    )) as Source;
    await src.start!();
    await new Promise((r) => server.close(r));
    const t0 = Date.now();
    while (health.get('miniQMT').state !== 'unavailable' && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 20));
    expect(health.get('miniQMT').state).toBe('unavailable');
    expect(servedBy(await readAll(src))).toEqual(['Tushare']); // the primary is skipped, no error needed
    await src.close!();
  });

  it('rejects a config whose probe names an unknown source', () => {
    const { ctx, config } = setup();
    expect(() =>
      failover.create({ ...config, probe: { source: 'QMT', url: 'http://127.0.0.1:1/health' } }, ctx),
    ).toThrow(/\/probe\/source "QMT"/);
  });
});

describe('failover child configs', () => {
  it('are validated against the child operator schema at start, with pointers', async () => {
    const { ctx, config } = setup();
    const bad = {
      ...config,
      sources: [
        config.sources[0],
        { name: 'Tushare', type: 'file', config: { path: 'x.csv', fromat: 'csv' } },
      ],
    };
    const src = (await failover.create(bad, ctx)) as Source;
    await expect(src.start!()).rejects.toThrow(
      /\/sources\/1\/config must NOT have additional properties \(fromat\)/,
    );
  });
});

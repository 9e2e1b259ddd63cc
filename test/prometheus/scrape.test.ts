/**
 * End to end on a real Prometheus (Debian `prometheus`): it scrapes the metrics the quality
 * operators recorded for a bad day, evaluates infra/prometheus/alerts.yml (with `for` durations
 * zeroed, which promtool's tests cover) and fires the expected alerts; every quality metric of the
 * catalogue is present in its TSDB.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as httpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gauge } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAlertBackend } from '../../engine/backends/alerts/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { runSink, runTransform } from '../../engine/testing/drivers.ts';
import { dropField, marketDay, offsetCloses } from '../../operators/lib/quality/fixtures.ts';
import { METRICS } from '../../operators/lib/quality/metric-names.ts';
import { REPO_ROOT, repoQualitySpecs } from '../../operators/lib/quality/policies.ts';
import alertSink from '../../operators/sinks/alert.ts';
import gate from '../../operators/transforms/consistency_gate.ts';
import score from '../../operators/transforms/quality_score.ts';
import { services } from '../helpers/services.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let prom: ChildProcess;
let target: Server;
let api = '';

async function until<T>(what: string, get: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let ctx: ReturnType<typeof testContext>;

beforeAll(async () => {
  ctx = testContext({
    specs: repoQualitySpecs(),
    pipeline: 'gold',
    node: 'gate',
    backends: { alerts: createAlertBackend() },
  });
  // A normal day first: the series exist (counters at 0) before anything goes wrong.
  await runTransform(
    gate,
    {},
    marketDay({ symbols: 200, date: '2024-12-27', volatility: 0.02, seed: 3 }),
    ctx,
  );

  target = httpServer(async (_req, res) =>
    res
      .writeHead(200, { 'content-type': ctx.metrics.registry.contentType })
      .end(await ctx.metrics.registry.metrics()),
  );
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetPort = (target.address() as { port: number }).port;

  const dir = mkdtempSync(join(tmpdir(), 'argus-prom-'));
  writeFileSync(
    join(dir, 'alerts.yml'),
    readFileSync(join(REPO_ROOT, 'infra/prometheus/alerts.yml'), 'utf8').replace(/for: \d+m/g, 'for: 0s'),
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files: [alerts.yml]\nscrape_configs:\n  - job_name: argus\n    static_configs: [{targets: ['127.0.0.1:${targetPort}']}]\n`,
  );
  const port = await freePort();
  api = `http://127.0.0.1:${port}/api/v1`;
  prom = spawn(
    services().prometheus,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  await until('prometheus ready', async () =>
    (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined,
  );
  await until('a scrape with the counter at 0', async () => {
    const body = (await (await fetch(`${api}/query?query=argus_quarantined_batches_total`)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    return body.data.result[0]?.value[1] === '0' ? true : undefined;
  });

  // Then a bad day (5 % of closes off by 2 %: quarantined) and a day with 10 % of closes missing.
  const bad = await runTransform(
    gate,
    {},
    offsetCloses(marketDay({ symbols: 200, date: '2024-12-30', volatility: 0.02, seed: 1 }), 0.05, 0.02),
    ctx,
  );
  const gated = await runTransform(
    gate,
    {},
    dropField(marketDay({ symbols: 200, date: '2024-12-31', volatility: 0.02, seed: 2 }), 'close', 0.1),
    ctx,
  );
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2024-12-31T07:30:00Z')); // scored 30 min after the close
  const scored = await runTransform(score, {}, gated.out, ctx);
  vi.useRealTimers();
  await runSink(alertSink, {}, [bad.verdict, scored.report], ctx);
  // The consistency gauge shows the bad day, as if it came last.
  (ctx.metrics.registry.getSingleMetric('dq_multisource_consistency_ratio') as Gauge).set(
    { pipeline: 'gold' },
    Number(bad.verdict[0].consistency_ratio),
  );
});

afterAll(async () => {
  prom?.kill('SIGTERM');
  await new Promise<void>((r) => (target ? target.close(() => r()) : r()));
});

describe('Prometheus scraping the engine metrics', () => {
  it('stores every quality metric of the catalogue', async () => {
    const want = Object.values(METRICS)
      .filter((d) => d.owner === 'quality')
      .map((d) => (d.type === 'histogram' ? `${d.name}_bucket` : d.name));
    const names = await until('all quality series', async () => {
      const body = (await (await fetch(`${api}/label/__name__/values`)).json()) as { data: string[] };
      return want.every((n) => body.data.includes(n)) ? body.data : undefined;
    });
    expect(names).toEqual(expect.arrayContaining(want));
  });

  it('fires the consistency, quarantine, close-missing and key-field alerts from the scraped data', async () => {
    const expected = [
      'DQConsistencyBelowTarget',
      'ArgusBatchQuarantined',
      'DQCloseMissing',
      'DQKeyFieldMissing',
    ];
    const firing = await until('the alerts', async () => {
      const body = (await (await fetch(`${api}/alerts`)).json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      };
      const names = body.data.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
      return expected.every((n) => names.includes(n)) ? body.data.alerts : undefined;
    });
    const byName = Object.fromEntries(firing.map((a) => [a.labels.alertname, a.labels]));
    expect(byName.DQConsistencyBelowTarget).toMatchObject({ severity: 'P1', pipeline: 'gold' });
    expect(byName.DQCloseMissing).toMatchObject({ severity: 'P0' });
    expect(byName.DQCompositeScoreRed).toBeUndefined(); // the score stays above 85
  });
});

/**
 * `argus serve` in headless Chromium (playwright-core + Debian chromium): the numbers on the page
 * equal the quality report read from the Delta tables, the alert list equals the alerts backend's
 * history, quota bars equal the quota metrics; a screenshot is saved under test-artifacts/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AlertEvent } from '../../engine/backends/alerts/types.ts';
import { QuotaMetrics } from '../../engine/backends/quota/quota-metrics.ts';
import { qualityReport } from '../../engine/cli/commands/quality.ts';
import { createMetrics } from '../../engine/observability/metrics.ts';
import { startDashboard, type RunningDashboard } from '../../engine/serve/index.ts';
import { readTable } from '../../engine/serve/data.ts';
import { REPO_ROOT } from '../../operators/lib/quality/policies.ts';
import { services } from '../helpers/services.ts';
import { buildQualityLake, type QualityLake } from '../quality/lake-fixture.ts';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let q: QualityLake;
let srv: RunningDashboard;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  q = await buildQualityLake((d) => vi.setSystemTime(d));
  vi.useRealTimers();
  const metrics = createMetrics();
  const quota = new QuotaMetrics(metrics, {
    name: 'default',
    endpoints: {
      daily: { daily: 20000 },
      adj_factor: { daily: 20000 },
      daily_basic: { daily: 10000 },
      dividend: { daily: 5000 },
    },
  } as never);
  quota.used('daily', 18500);
  quota.used('adj_factor', 4200);
  quota.used('daily_basic', 7600);
  srv = await startDashboard({
    sources: {
      lake: q.lake,
      alertsDir: q.alertsDir,
      metrics: () => metrics.registry.metrics(),
      bands: undefined,
      monthlyTarget: 95,
    },
  });
  browser = await chromium.launch({ executablePath: services().chromium, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${srv.url}/`);
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

const attrs = (sel: string, name: string) =>
  page.$$eval(sel, (els, n) => els.map((e) => e.getAttribute(n)), name);

describe('argus serve dashboard', () => {
  it('binds to 127.0.0.1 by default', () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('shows the latest composite score, its band and the monthly mean of the quality report', async () => {
    const { days, summary } = await qualityReport({ month: '2024-12', root: REPO_ROOT, lake: q.lake.root });
    const latest = days.at(-1)!;
    expect(await page.textContent('[data-testid=score-today]')).toBe(Number(latest.composite).toFixed(2));
    expect(await page.getAttribute('[data-testid=score-today]', 'data-band')).toBe(latest.band);
    expect(await page.textContent('[data-testid=month-mean]')).toBe(summary.mean!.toFixed(2));
    expect(await page.getAttribute('[data-testid=month-mean]', 'data-days')).toBe(String(summary.days));
    expect(await page.getAttribute('[data-testid=kpi-dq_com_01]', 'data-value')).toBe(
      String(latest.dq_com_01),
    );
  });

  it('draws one trend point per reported day with the report values', async () => {
    const { days } = await qualityReport({ month: '2024-12', root: REPO_ROOT, lake: q.lake.root });
    expect(await attrs('[data-testid=score-point]', 'data-date')).toEqual(days.map((d) => d.trade_date));
    expect((await attrs('[data-testid=score-point]', 'data-value')).map(Number)).toEqual(
      days.map((d) => d.composite),
    );
    const red = days.filter((d) => d.band !== 'green');
    expect(red.length).toBeGreaterThan(0); // the fixture's bad days show up
  });

  it('fills the consistency heatmap from the verdicts, including the quarantined day', async () => {
    const verdicts = await readTable(q.lake, 'quality/consistency');
    const cells = await page.$$eval('[data-testid=heat-cell]', (els) =>
      els.map((e) => ({
        board: e.getAttribute('data-board'),
        date: e.getAttribute('data-date'),
        ratio: Number(e.getAttribute('data-ratio')),
      })),
    );
    const expected = verdicts.flatMap((v) =>
      Object.entries(JSON.parse(String(v.board_ratios)) as Record<string, number>).map(([board, ratio]) => ({
        board,
        date: String(v.trade_date),
        ratio,
      })),
    );
    expect(cells.length).toBe(expected.length);
    expect(cells).toEqual(expect.arrayContaining(expected));
    expect(cells.filter((c) => c.date === q.quarantinedDay).some((c) => c.ratio < 0.99)).toBe(true);
  });

  it('shows quota bars from the quota metrics', async () => {
    const bars = await page.$$eval('[data-testid=quota-bar]', (els) =>
      els.map((e) => [
        e.getAttribute('data-endpoint'),
        e.getAttribute('data-used'),
        e.getAttribute('data-limit'),
      ]),
    );
    expect(bars).toEqual([
      ['adj_factor', '4200', '20000'],
      ['daily', '18500', '20000'],
      ['daily_basic', '7600', '10000'],
      ['dividend', '0', '5000'],
    ]);
  });

  it('lists the quarantined batch with its reasons', async () => {
    const items = page.locator('[data-testid=quarantine-item]');
    expect(await items.count()).toBe(1);
    expect(await items.first().getAttribute('data-date')).toBe(q.quarantinedDay);
    expect(await items.first().getAttribute('data-rows')).toBe('120');
    expect(await items.first().textContent()).toMatch(/below target 99%/);
    expect(await items.first().textContent()).toMatch(/: close diff 1\.2% > tolerance 0\.75%/);
  });

  it('lists the alerts of the alerts backend (fired and resolved)', async () => {
    const history = readFileSync(join(q.alertsDir, 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AlertEvent);
    const rows = await page.$$eval('[data-testid=alert-row]', (els) =>
      els.map((e) => `${e.getAttribute('data-name')}:${e.getAttribute('data-status')}`),
    );
    expect(rows.sort()).toEqual(history.map((e) => `${e.name}:${e.status}`).sort());
    expect(rows).toEqual(
      expect.arrayContaining([
        'DQConsistencyBelowTarget:firing',
        'DQConsistencyBelowTarget:resolved',
        'DQCloseMissing:firing',
        'DQTimelinessMissed:firing',
      ]),
    );
  });

  it('exports the lake storage gauges on /metrics and saves a screenshot', async () => {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(text).toMatch(/argus_lake_table_bytes\{table="quality\/daily_report"\} [1-9]\d*/);
    expect(await page.locator('[data-testid=storage-row]').count()).toBe(4);
    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    const shot = await page.screenshot({
      path: join(REPO_ROOT, 'test-artifacts', 'dashboard.png'),
      fullPage: true,
    });
    expect(shot.length).toBeGreaterThan(10_000);
  });

  it('runs as `argus serve` on 127.0.0.1 and serves the same data as JSON', async () => {
    // Until the lead wires registerServeCommand into argus.ts: the same program around it.
    const cli = join(q.root, 'serve-cli.mts');
    writeFileSync(
      cli,
      `import { Command } from '${join(REPO_ROOT, 'node_modules/commander/esm.mjs')}';
import { registerServeCommand } from '${join(REPO_ROOT, 'engine/serve/index.ts')}';
const p = new Command('argus'); registerServeCommand(p); await p.parseAsync(process.argv);\n`,
    );
    const child = spawn(
      join(REPO_ROOT, 'node_modules/.bin/tsx'),
      [cli, 'serve', '--port', '0', '--lake', q.lake.root, '--alerts-dir', q.alertsDir],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`argus serve did not start: ${out}`)), 20_000);
        child.stdout!.on('data', (c) => {
          out += c;
          const m = /dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`argus serve exited with ${code}: ${out}`)));
      });
      const data = (await (await fetch(`${url}/api/dashboard`)).json()) as {
        month: unknown;
        quarantine: unknown[];
      };
      const { summary } = await qualityReport({ month: '2024-12', root: REPO_ROOT, lake: q.lake.root });
      expect(data.month).toEqual(summary);
      expect(data.quarantine).toHaveLength(1);
      expect((await fetch(`${url}/`)).headers.get('content-type')).toMatch(/text\/html/);
      expect((await fetch(`${url}/?month=2024-1`)).status).toBe(400);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

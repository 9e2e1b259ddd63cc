/**
 * The quality scenarios through the real engine (spec loader, compiler, runtime, hot reload):
 * fused rows arrive on the embedded bus → consistency_gate → quality_score → published file;
 * the gate's quarantine port → a quarantine file; verdicts and reports → the alert sink → a real
 * alerts backend notifying a loopback webhook. A threshold edit in policies/quality.yaml under the
 * file watcher changes the verdict of the same day without a restart.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argusRegistry } from '../../argus.ts';
import type { Rec } from '../../engine/api/index.ts';
import { createAlertBackend } from '../../engine/backends/alerts/index.ts';
import { createBus } from '../../engine/backends/bus/index.ts';
import type { Bus } from '../../engine/backends/bus/types.ts';
import { watchAndReload, type Watcher } from '../../engine/reload/watch.ts';
import type { ReloadResult } from '../../engine/runtime/engine.ts';
import { engineFromText, type Fixture } from '../../engine/testing/engine-fixture.ts';
import { marketDay, offsetCloses } from '../../operators/lib/quality/fixtures.ts';
import { REPO_ROOT } from '../../operators/lib/quality/policies.ts';

const PIPELINE = `apiVersion: argus/v1
kind: Pipeline
metadata: {name: quality, version: 1}
spec:
  settings: {max_in_flight: 8}
  nodes:
    - {id: fused, type: kafka, config: {topics: [fused_days], group: quality, max_batch: 5000}}
    - {id: gate, type: consistency_gate, inputs: [fused], config: {policy: default}}
    - {id: score, type: quality_score, inputs: [gate], config: {policy: default, score: default, timeliness: backfill}}
    - {id: published, type: file, inputs: [score], config: {path: out/published.jsonl}}
    - {id: quarantine, type: file, inputs: [gate.quarantine], config: {path: out/quarantine.jsonl}}
    - {id: reports, type: file, inputs: [score.report], config: {path: out/reports.jsonl}}
    - {id: alerts, type: alert, inputs: [gate.verdict, score.report], config: {policy: default}}
`;

let hook: Server;
const notified: any[] = [];
let fx: Fixture;
let bus: Bus;
let watcher: Watcher | undefined;
const reloads: ReloadResult[] = [];

const lines = (f: string): Rec[] =>
  existsSync(join(fx.root, f))
    ? readFileSync(join(fx.root, f), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
const count = (f: string, date: string) => lines(f).filter((r) => r.trade_date === date).length;

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function publishDay(rows: Rec[]): Promise<void> {
  const p = await bus.producer();
  await p.send(
    'fused_days',
    rows.map((r) => ({ key: String(r.symbol), value: JSON.stringify(r) })),
  );
  await p.close();
}

beforeAll(async () => {
  hook = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    notified.push(JSON.parse(body));
    res.end('ok');
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
  const root = mkdtempSync(join(tmpdir(), 'argus-quality-pipeline-'));
  bus = createBus({ type: 'memory', defaultPartitions: 1 });
  await bus.ensureTopics([{ name: 'fused_days', partitions: 1, replicationFactor: 1, config: {} }]);
  fx = await engineFromText(await argusRegistry(), PIPELINE, {
    root,
    files: Object.fromEntries(
      ['quality.yaml', 'quality-score.yaml', 'alerts.yaml'].map((f) => [
        `policies/${f}`,
        readFileSync(join(REPO_ROOT, 'policies', f), 'utf8'),
      ]),
    ),
    backends: {
      bus: () => bus,
      alerts: () =>
        createAlertBackend({ receivers: { log: { type: 'log' }, webhook: { type: 'webhook', url } } }),
    },
  });
  await fx.engine.start();
});

afterAll(async () => {
  await watcher?.close();
  await fx?.engine.stop();
  await new Promise<void>((r) => hook.close(() => r()));
});

const day = (date: string, volatility: number, seed: number) =>
  marketDay({ symbols: 200, date, volatility, seed });

describe('quality pipeline on the engine', () => {
  it('a normal day is published with a green score and no alert', async () => {
    await publishDay(day('2024-12-02', 0.018, 1));
    await until('the report', () => lines('out/reports.jsonl').length === 1);
    await until('published rows', () => count('out/published.jsonl', '2024-12-02') === 200);
    expect(lines('out/reports.jsonl')[0]).toMatchObject({ trade_date: '2024-12-02', band: 'green' });
    expect(Number(lines('out/reports.jsonl')[0].composite)).toBeGreaterThanOrEqual(95);
    expect(count('out/quarantine.jsonl', '2024-12-02')).toBe(0);
    expect(notified).toHaveLength(0);
  });

  it('3 % of closes off by 1 %: quarantined, nothing published, P1 fired', async () => {
    await publishDay(offsetCloses(day('2024-12-03', 0.018, 2), 0.03, 0.01));
    await until('quarantined rows', () => count('out/quarantine.jsonl', '2024-12-03') === 200);
    await until('the P1 notification', () => notified.length === 1);
    expect(count('out/published.jsonl', '2024-12-03')).toBe(0);
    expect(notified[0].alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'DQConsistencyBelowTarget', severity: 'P1' },
    });
  });

  it('the same kind of day with a 4 % volatility index under the 1.5× tier is published (0.7 % diffs)', async () => {
    await publishDay(offsetCloses(day('2024-12-04', 0.04, 3), 0.03, 0.007));
    await until('published rows', () => count('out/published.jsonl', '2024-12-04') === 200);
    expect(count('out/quarantine.jsonl', '2024-12-04')).toBe(0);
    await until('the resolution', () => notified.length === 2);
    expect(notified[1].status).toBe('resolved');
  });

  it('a threshold edit in policies/quality.yaml under --watch changes the verdict without restart', async () => {
    const bad = (date: string, seed: number) => offsetCloses(day(date, 0.018, seed), 0.03, 0.01);
    watcher = watchAndReload(fx.engine, fx.paths, (r) => reloads.push(r), 100);
    await new Promise((r) => setTimeout(r, 300)); // let the watcher settle
    const policy = join(fx.root, 'policies/quality.yaml');
    writeFileSync(policy, readFileSync(policy, 'utf8').replace('batch_target: 0.99', 'batch_target: 0.95'));
    await until('the reload', () => reloads.length > 0);
    expect(reloads[0].outcome).toBe('applied');
    await publishDay(bad('2024-12-05', 4));
    await until('published rows after the edit', () => count('out/published.jsonl', '2024-12-05') === 200);
    expect(count('out/quarantine.jsonl', '2024-12-05')).toBe(0);
    // And back: the stricter threshold quarantines again.
    writeFileSync(policy, readFileSync(policy, 'utf8').replace('batch_target: 0.95', 'batch_target: 0.99'));
    await until('the second reload', () => reloads.length > 1);
    await publishDay(bad('2024-12-06', 5));
    await until('quarantined rows', () => count('out/quarantine.jsonl', '2024-12-06') === 200);
    expect(count('out/published.jsonl', '2024-12-06')).toBe(0);
  });
});

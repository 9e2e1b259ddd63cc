/**
 * Hot reload of the SourcePriority policy under a running engine: a continuous two-source stream is
 * fused; after the policy's OHLC order is swapped and the engine reloads, new days take close from
 * Tushare instead of miniQMT, with no code change and no restart.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { argusRegistry } from '../../argus.ts';
import type { Rec } from '../../engine/api/index.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { POLICY_FILE } from '../../operators/lib/fusion/testing.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-fusion-reload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const read = (): Rec[] =>
  existsSync(join(root, 'out.jsonl'))
    ? readFileSync(join(root, 'out.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Rec)
    : [];

describe('SourcePriority hot reload', () => {
  it('applies an edited order to the running fuse node', async () => {
    mkdirSync(join(root, 'policies'));
    const policy = join(root, 'policies', 'source-priority.yaml');
    // The stream has market data only: wait for the two sources' bars, not for every dataset.
    writeFileSync(
      policy,
      readFileSync(POLICY_FILE, 'utf8').replace(/^  expect: \[.*\]$/m, '  expect: [qmt, tushare]'),
    );
    expect(readFileSync(policy, 'utf8')).toContain('  expect: [qmt, tushare]\n');
    // Pairs of rows (i even: QMT, odd: Tushare) for one symbol and a new "day" per pair; QMT's close
    // is 10, Tushare's 10.01, both valid, so only the order decides.
    writeFileSync(
      join(root, 'p.yaml'),
      `apiVersion: argus/v1
kind: Pipeline
metadata: {name: reload_test, version: 1}
spec:
  nodes:
    - id: bronze
      type: generate
      config:
        batch_size: 2
        interval_ms: 20
        fields:
          source: "i % 2 == 0 ? 'qmt' : 'tushare'"
          dataset: "i % 2 == 0 ? 'hist_kline' : 'daily'"
          symbol: "'600519.SH'"
          trade_date: "'d' + string(100000 + (i - i % 2) / 2)"
          fetched_at: "'2024-06-14T08:00:00Z'"
          open: "10"
          high: "11"
          low: "9"
          close: "i % 2 == 0 ? 10 : 10.01"
          pre_close: "10"
          volume: "100"
          amount: "1000"
    - {id: fuse, type: fuse, inputs: [bronze], config: {policy: a_share_daily, quiet_ms: 0, deadline_ms: 1000, tick_ms: 5}}
    - {id: out, type: file, inputs: [fuse], config: {path: out.jsonl}}
`,
    );
    const paths = [join(root, 'p.yaml'), join(root, 'policies')];
    const engine = Engine.create({
      registry: await argusRegistry(),
      root,
      logger: pino({ level: 'silent' }),
    });
    expect(await engine.load(paths)).toEqual([]);
    await engine.start();
    try {
      for (let i = 0; i < 100 && read().length < 5; i++) await sleep(50);
      expect(read().length).toBeGreaterThanOrEqual(5);
      writeFileSync(
        policy,
        readFileSync(policy, 'utf8').replace(
          '      order: [qmt, tushare]\n      datasets: {qmt: hist_kline, tushare: daily}\n      mode: record',
          '      order: [tushare, qmt]\n      datasets: {qmt: hist_kline, tushare: daily}\n      mode: record',
        ),
      );
      const result = await engine.reload(paths);
      expect(result.outcome).toBe('applied');
      const after = read().length;
      for (let i = 0; i < 100 && read().length < after + 5; i++) await sleep(50);
    } finally {
      await engine.stop();
    }
    const rows = read();
    const lineage = rows.map((r) => r.close_source);
    const firstTushare = lineage.indexOf('Tushare');
    expect(firstTushare).toBeGreaterThanOrEqual(5);
    // Before the reload only miniQMT, after it only Tushare (one switch, no mixing back).
    expect(lineage.slice(0, firstTushare).every((s) => s === 'miniQMT')).toBe(true);
    expect(lineage.slice(firstTushare).every((s) => s === 'Tushare')).toBe(true);
    expect(lineage.length - firstTushare).toBeGreaterThanOrEqual(3);
    expect(rows.find((r) => r.close_source === 'Tushare')!.close).toBe(10.01);
  });
});

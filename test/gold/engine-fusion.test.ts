/**
 * The fusion operators and the SourcePriority kind inside the real engine (discovery, spec loading
 * and validation, compiler, runtime): Bronze JSON lines from the real data → fuse → adjust → file.
 * Editing the policy YAML (order, rules) changes the result of the next run without code, and a
 * broken policy is refused at load with its location.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { argusRegistry } from '../../argus.ts';
import type { Rec } from '../../engine/api/index.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { readRealDaily, realSymbols } from '../../operators/lib/hfq/real-data.ts';
import { POLICY_FILE } from '../../operators/lib/fusion/testing.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-fusion-engine-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DAYS = ['2024-06-13', '2024-06-14'];
const BAD_QMT = '600519.SH';

function writeInputs(): void {
  const rows: Rec[] = [];
  for (const symbol of realSymbols()) {
    for (const r of readRealDaily(symbol).filter((d) => DAYS.includes(d.trade_date))) {
      const bar = {
        ...r, // the real bar's fields (RealRow)
        symbol,
        fetched_at: '2024-06-14T08:00:00Z',
      };
      rows.push({ ...bar, source: 'tushare', dataset: 'daily' });
      // QMT's bar for one stock is broken (close above high): the whole bar must come from Tushare.
      rows.push({
        ...bar,
        source: 'qmt',
        dataset: 'hist_kline',
        close: symbol === BAD_QMT ? r.high * 2 : r.close,
      });
    }
  }
  writeFileSync(join(root, 'bronze.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  mkdirSync(join(root, 'policies'), { recursive: true });
  copyFileSync(POLICY_FILE, join(root, 'policies', 'source-priority.yaml'));
  writeFileSync(
    join(root, 'gold-test.yaml'),
    `apiVersion: argus/v1
kind: Pipeline
metadata: {name: gold_test, version: 1}
spec:
  settings: {max_in_flight: 64}
  nodes:
    - {id: bronze, type: file, config: {path: bronze.jsonl, batch_size: 7}}
    - {id: fuse, type: fuse, inputs: [bronze], config: {policy: a_share_daily, quiet_ms: 50, deadline_ms: 5000}}
    - {id: adjust, type: adjust, inputs: [fuse], config: {initial_factor: 1}}
    - {id: out, type: file, inputs: [adjust], config: {path: out.jsonl}}
`,
  );
}

async function run(): Promise<Rec[]> {
  rmSync(join(root, 'out.jsonl'), { force: true });
  const engine = Engine.create({ registry: await argusRegistry(), root, logger: pino({ level: 'silent' }) });
  const errors = await engine.load([join(root, 'gold-test.yaml'), join(root, 'policies')]);
  expect(errors).toEqual([]);
  await engine.start();
  await engine.done();
  await engine.stop();
  expect(engine.failures).toEqual([]);
  return readFileSync(join(root, 'out.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Rec);
}

describe('fusion in the engine', () => {
  it('fuses by the policy: miniQMT where valid, Tushare where QMT is invalid', async () => {
    writeInputs();
    const out = await run();
    expect(out).toHaveLength(DAYS.length * realSymbols().length);
    const tushare = out.filter((r) => r.close_source === 'Tushare').map((r) => r.symbol);
    expect(tushare).toEqual([BAD_QMT, BAD_QMT]);
    expect(out.filter((r) => r.close_source === 'miniQMT')).toHaveLength(out.length - 2);
    const bad = out.find((r) => r.symbol === BAD_QMT && r.trade_date === '2024-06-14')!;
    expect(bad.close_raw).toBe(readRealDaily(BAD_QMT).find((r) => r.trade_date === '2024-06-14')!.close);
    // 000001.SZ goes ex-dividend on 2024-06-14: the factor steps by close(T−1)/pre_close(T).
    const pa = out.filter((r) => r.symbol === '000001.SZ').map((r) => r.adj_factor);
    expect(pa).toEqual([1, 1.071]);
  });

  it('follows an edited policy on the next run, without code', async () => {
    const file = join(root, 'policies', 'source-priority.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '      order: [qmt, tushare]\n      datasets: {qmt: hist_kline, tushare: daily}\n      mode: record',
        '      order: [tushare, qmt]\n      datasets: {qmt: hist_kline, tushare: daily}\n      mode: record',
      ),
    );
    const out = await run();
    expect(new Set(out.map((r) => r.close_source))).toEqual(new Set(['Tushare']));
    expect(new Set(out.map((r) => r.volume_source))).toEqual(new Set(['miniQMT'])); // another group, unchanged
  });

  it('refuses a policy that names an unknown source, with its location', async () => {
    const file = join(root, 'policies', 'source-priority.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('order: [tushare, qmt]', 'order: [tushare, wind]'),
    );
    const engine = Engine.create({
      registry: await argusRegistry(),
      root,
      logger: pino({ level: 'silent' }),
    });
    const errors = await engine.load([join(root, 'gold-test.yaml'), join(root, 'policies')]);
    expect(JSON.stringify(errors)).toMatch(/unknown source \\?"wind\\?"/);
    expect(JSON.stringify(errors)).toContain('source-priority.yaml');
  });
});

/**
 * `pipelines/gold.yaml` itself, run by the real engine over Bronze Delta tables built from the real
 * data (ten stocks, two weeks around 000001.SZ's 2024-06-14 ex-date): QMT is missing for one bar and
 * invalid (high below close) for another, Tushare adj_factor exists only on the first day. The Gold
 * table must hold every (symbol, day) with close from miniQMT where QMT is valid and from Tushare
 * where it is missing or invalid, factors derived at the ex-date, and one commit per trading day.
 */
import { alertBackendFromEnv } from '../../engine/backends/alerts/from-env.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argusRegistry } from '../../argus.ts';
import type { Rec } from '../../engine/api/index.ts';
import { createLake } from '../../engine/lake/index.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { centStable4 } from '../../operators/lib/hfq/round.ts';
import { readRealDaily } from '../../operators/lib/hfq/real-data.ts';
import { QMT_INVALID, QMT_MISSING, repo, writeBronze } from './bronze-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-gold-pipeline-'));
const lake = createLake(join(root, 'lake'));
const FROM = '2024-06-07';
const TO = '2024-06-21';
let gold: Rec[] = [];
let goldVersions = 0;

beforeAll(async () => {
  await writeBronze(lake, FROM, TO);
  process.env.ARGUS_FROM = FROM;
  process.env.ARGUS_TO = TO;
  const engine = Engine.create({
    registry: await argusRegistry(),
    root,
    lakeRoot: join(root, 'lake'),
    backends: { lake: () => lake, alerts: (e) => alertBackendFromEnv({}, e.stateRoot, e.logger) },
    logger: pino({ level: 'silent' }),
  });
  const errors = await engine.load([
    join(repo, 'pipelines/gold.yaml'),
    join(repo, 'policies'),
    join(repo, 'schemas'),
  ]);
  expect(errors).toEqual([]);
  await engine.start();
  await engine.done();
  await engine.stop();
  expect(engine.failures).toEqual([]);
  const table = lake.table('gold/a_share_daily');
  gold = await table.read();
  goldVersions = (await table.history()).filter(
    (h) => String(h.operation ?? '').toUpperCase() !== 'CREATE TABLE',
  ).length;
}, 180_000);

afterAll(() => {
  delete process.env.ARGUS_FROM;
  delete process.env.ARGUS_TO;
  rmSync(root, { recursive: true, force: true });
});

const at = (symbol: string, day: string) => gold.find((r) => r.symbol === symbol && r.trade_date === day);

describe('pipelines/gold.yaml on real data', () => {
  it('publishes every (symbol, trading day), one commit per day', () => {
    const days = [...new Set(gold.map((r) => String(r.trade_date)))].sort();
    expect(days).toEqual([
      '2024-06-07',
      '2024-06-11',
      '2024-06-12',
      '2024-06-13',
      '2024-06-14',
      '2024-06-17',
      '2024-06-18',
      '2024-06-19',
      '2024-06-20',
      '2024-06-21',
    ]);
    expect(gold).toHaveLength(days.length * 10);
    expect(goldVersions).toBe(days.length);
  });

  it('takes close from miniQMT where QMT is valid, Tushare where it is missing or invalid', () => {
    const tushare = gold.filter((r) => r.close_source === 'Tushare').map((r) => [r.symbol, r.trade_date]);
    expect(tushare.sort()).toEqual([QMT_MISSING, QMT_INVALID].sort());
    expect(gold.filter((r) => r.close_source === 'miniQMT')).toHaveLength(gold.length - 2);
  });

  it('back-adjusts with the factor derived at the ex-date, to the pro_bar cent', () => {
    const real = (d: string) => readRealDaily('000001.SZ').find((r) => r.trade_date === d)!;
    expect(at('000001.SZ', '2024-06-13')!.adj_factor).toBe(123.456);
    const f = Number(((123.456 * real('2024-06-13').close) / real('2024-06-14').pre_close).toFixed(3));
    expect(at('000001.SZ', '2024-06-14')).toMatchObject({
      adj_factor: f,
      div_cash: 0.719,
      close: centStable4(real('2024-06-14').close * f),
    });
    expect(at('600519.SH', '2024-06-14')).toMatchObject({
      analyst_rating: '买入',
      financials_source: 'Tushare',
    });
    expect(Number(at('600519.SH', '2024-06-14')!.dividend_yield)).toBeCloseTo(0.042, 9);
  });
});

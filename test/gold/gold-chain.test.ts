/**
 * Bronze → fuse → corporate_actions → adjust → conform → Gold Delta table on real data: ten days of
 * three real stocks (000001.SZ, 600276.SH, 600519.SH around their 2020 ex-dates) as both sources,
 * with QMT gaps and an invalid QMT bar, Tushare factors only for the first day, dividends preloaded
 * from a Bronze Delta table. One atomic replace-where commit per trading day, idempotent by txn.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatMap, filter, from, lastValueFrom, map, toArray, type OperatorFunction } from 'rxjs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Batch,
  OperatorDefinition,
  PortBatch,
  Rec,
  SpecDoc,
  Transform,
} from '../../engine/api/index.ts';
import { settle } from '../../engine/api/index.ts';
import { createLake, type LocalLake } from '../../engine/lake/index.ts';
import { nodeOperator } from '../../engine/runtime/node-operator.ts';
import { testContext } from '../../engine/testing/context.ts';
import { emitter, testBatch } from '../../engine/testing/drivers.ts';
import { centStable4 } from '../../operators/lib/hfq/round.ts';
import { readRealDaily } from '../../operators/lib/hfq/real-data.ts';
import { policyDoc } from '../../operators/lib/fusion/testing.ts';
import adjust from '../../operators/transforms/adjust.ts';
import conform from '../../operators/transforms/conform.ts';
import actions from '../../operators/transforms/corporate_actions.ts';
import fuse from '../../operators/transforms/fuse.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-gold-'));
const lake: LocalLake = createLake(join(root, 'lake'));
const schemaFile = new URL('../../schemas/gold/a_share_daily/v1.yaml', import.meta.url);
const goldSchema = {
  ...(parse(readFileSync(schemaFile, 'utf8')) as SpecDoc),
  file: schemaFile.pathname,
} as SpecDoc<{ table: string; columns: { name: string; type: string; nullable?: boolean }[] }>;
const ctx = (node: string) =>
  testContext({ node, root, specs: [policyDoc(), goldSchema], backends: { lake } });

const FROM = '2020-05-20';
const TO = '2020-06-03';
const SYMBOLS = ['000001.SZ', '600276.SH', '600519.SH'];
const QMT_MISSING = { symbol: '600519.SH', trade_date: '2020-05-26' };
const QMT_INVALID = { symbol: '600276.SH', trade_date: '2020-06-02' };

function bronze(): Rec[] {
  const rows: Rec[] = [];
  for (const symbol of SYMBOLS) {
    for (const r of readRealDaily(symbol).filter((d) => d.trade_date >= FROM && d.trade_date <= TO)) {
      const base = {
        ...r, // the real bar's fields (RealRow)
        symbol,
      };
      rows.push({ ...base, source: 'tushare', dataset: 'daily', fetched_at: '2020-06-03T08:00:00Z' });
      const missing = symbol === QMT_MISSING.symbol && r.trade_date === QMT_MISSING.trade_date;
      const invalid = symbol === QMT_INVALID.symbol && r.trade_date === QMT_INVALID.trade_date;
      if (!missing)
        rows.push({
          ...base,
          ...(invalid ? { close: r.high + 1 } : {}),
          source: 'qmt',
          dataset: 'hist_kline',
          fetched_at: '2020-06-03T08:00:00Z',
        });
      rows.push({
        source: 'tushare',
        dataset: 'daily_basic',
        symbol,
        trade_date: r.trade_date,
        pe_ttm: 20 + r.close / 100,
        pb: 3.1,
        dv_ttm: 1.2,
        total_mv: r.close * 1e10,
      });
      // Real 000001.SZ factor known on 2020-05-20's chain (109.169 since 2020-01-06); others start at 1.
      if (r.trade_date === FROM)
        rows.push({
          source: 'tushare',
          dataset: 'adj_factor',
          symbol,
          trade_date: FROM,
          adj_factor: symbol === '000001.SZ' ? 109.169 : 1,
        });
    }
  }
  return rows;
}

function chain(...ops: [OperatorDefinition, unknown][]): Promise<OperatorFunction<Batch, PortBatch>[]> {
  return Promise.all(
    ops.map(async ([def, config], i) =>
      nodeOperator(`n${i}`, (await def.create(config, ctx(def.type))) as Transform),
    ),
  );
}

let gold: Rec[] = [];
const errors: Rec[] = [];
const commits: { day: string; version: number; skipped: boolean }[] = [];

beforeAll(async () => {
  // Dividends live in their own Bronze table (announced before the range): preloaded, not streamed.
  const divTable = await lake.ensure({
    metadata: { name: 'bronze.tushare_dividend', version: 1 },
    spec: {
      table: 'bronze/tushare_dividend',
      partitionBy: ['trade_date'],
      columns: ['symbol', 'trade_date', 'end_date', 'div_proc', 'ex_date']
        .map((name) => ({ name, type: name === 'symbol' || name === 'div_proc' ? 'string' : 'date' }))
        .concat(['stk_div', 'cash_div_tax'].map((name) => ({ name, type: 'double' }))),
    },
  });
  await divTable.append([
    {
      symbol: '000001.SZ',
      trade_date: '2020-05-22',
      end_date: '2019-12-31',
      div_proc: '实施',
      ex_date: '2020-05-28',
      stk_div: 0,
      cash_div_tax: 0.218,
    },
    {
      symbol: '600276.SH',
      trade_date: '2020-05-18',
      end_date: '2019-12-31',
      div_proc: '实施',
      ex_date: '2020-05-25',
      stk_div: 0.2,
      cash_div_tax: 0.2,
    },
    {
      symbol: '600519.SH',
      trade_date: '2020-03-25',
      end_date: '2019-12-31',
      div_proc: '预案',
      ex_date: null,
      stk_div: 0,
      cash_div_tax: 17.025,
    },
  ]);
  const table = await lake.ensure(goldSchema as never);
  const [f, a, adj, c] = await chain(
    [fuse, { policy: 'a_share_daily', quiet_ms: 10_000 }],
    [actions, { preload: { dividend: 'bronze/tushare_dividend' } }],
    [adjust, {}],
    [conform, { schema: 'gold.a_share_daily', version: 1, now_columns: ['last_verified_utc'] }],
  );
  const only = (port: string) =>
    filter((p: PortBatch) => {
      if (p.port !== port) {
        if (p.port === 'error') errors.push(...p.batch.records);
        settle(p.batch, 'delivered');
        return false;
      }
      return true;
    });
  // Bronze arrives per dataset batch, as partitions do.
  const rows = bronze();
  const batches = [...new Set(rows.map((r) => `${r.source}/${r.dataset}`))].map((k) =>
    testBatch(rows.filter((r) => `${r.source}/${r.dataset}` === k)),
  );
  // Quality scoring plugs in before conform in the pipeline (issue 6); a constant stands in here.
  const scored = await lastValueFrom(
    from(batches)
      .pipe(
        f,
        only('out'),
        map((p) => p.batch),
        a,
        only('out'),
        map((p) => p.batch),
        adj,
        only('out'),
        map((p) => p.batch),
      )
      .pipe(
        map((b): Batch => ({ ...b, records: b.records.map((r) => ({ ...r, data_quality_score: 100 })) })),
        c,
        only('out'),
        map((p) => p.batch),
        concatMap(async (b: Batch) => {
          const day = String(b.meta.trade_date ?? '');
          if (!day || !b.records.length) return b;
          const res = await table.replaceWhere({ trade_date: day }, b.records, {
            txn: { appId: `gold:${day}`, version: 1 },
          });
          commits.push({ day, version: res.version, skipped: res.skipped });
          settle(b, 'delivered');
          return b;
        }),
        toArray(),
      ),
  );
  expect(scored.length).toBeGreaterThan(0);
  gold = await table.read();
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const at = (symbol: string, day: string) => gold.find((r) => r.symbol === symbol && r.trade_date === day)!;

describe('Gold chain on real data', () => {
  it('commits one version per trading day with every row', () => {
    expect(commits.map((c) => c.day)).toEqual([...new Set(gold.map((r) => String(r.trade_date)))].sort());
    expect(commits).toHaveLength(11); // 2020-05-20 … 2020-06-03
    expect(commits.every((c) => !c.skipped)).toBe(true);
    expect(new Set(commits.map((c) => c.version)).size).toBe(11);
    expect(gold).toHaveLength(commits.length * SYMBOLS.length);
    expect(errors).toEqual([]);
  });

  it('takes close from miniQMT where QMT is valid and from Tushare where it is missing or invalid', () => {
    const bySource = (s: string) =>
      gold.filter((r) => r.close_source === s).map((r) => `${r.symbol} ${r.trade_date}`);
    expect(bySource('Tushare').sort()).toEqual(
      [
        `${QMT_INVALID.symbol} ${QMT_INVALID.trade_date}`,
        `${QMT_MISSING.symbol} ${QMT_MISSING.trade_date}`,
      ].sort(),
    );
    expect(bySource('miniQMT')).toHaveLength(gold.length - 2);
    expect(at(QMT_MISSING.symbol, QMT_MISSING.trade_date).volume_source).toBe('Tushare');
    expect(new Set(gold.map((r) => r.financials_source))).toEqual(new Set(['Tushare']));
  });

  it('back-adjusts with derived factors that step at the real ex-dates', () => {
    expect(at('000001.SZ', '2020-05-27').adj_factor).toBe(109.169);
    expect(at('000001.SZ', '2020-05-28').adj_factor).toBe(111.048);
    expect(at('000001.SZ', '2020-05-29')).toMatchObject({
      adj_factor: 111.048,
      close: centStable4(
        readRealDaily('000001.SZ').find((r) => r.trade_date === '2020-05-29')!.close * 111.048,
      ),
    });
    expect(at('600276.SH', '2020-05-22').adj_factor).toBe(1);
    expect(at('600276.SH', '2020-05-25').adj_factor).toBe(1.203);
  });

  it('fills corporate actions and valuation fields', () => {
    expect(at('000001.SZ', '2020-05-28')).toMatchObject({ div_cash: 0.218, split_ratio: null });
    expect(at('600276.SH', '2020-05-25')).toMatchObject({ div_cash: 0.2, split_ratio: 1.2 });
    expect(at('600276.SH', '2020-05-26')).toMatchObject({ div_cash: null, split_ratio: null });
    expect(at('600519.SH', '2020-05-28').div_cash).toBeNull(); // only implemented dividends act
    expect(at('600519.SH', '2020-05-28').dividend_yield).toBeCloseTo(0.012, 9);
  });

  it('stores the schema version in the table and skips a repeated day commit', async () => {
    const table = lake.table('gold/a_share_daily');
    const { configuration } = await table.schema();
    expect(Object.entries(configuration)).toEqual(
      expect.arrayContaining([[expect.stringMatching(/schema\.version$/), '1']]),
    );
    const before = await table.version();
    const day = commits[0].day;
    const again = await table.replaceWhere(
      { trade_date: day },
      gold.filter((r) => r.trade_date === day),
      { txn: { appId: `gold:${day}`, version: 1 } },
    );
    expect(again.skipped).toBe(true);
    expect(await table.version()).toBe(before);
  });
});

describe('adjust seeded from Gold', () => {
  it('continues the factor chain of a symbol from the last Gold day (a new run, no factor from any source)', async () => {
    const next = readRealDaily('000001.SZ').find((r) => r.trade_date === '2020-06-04')!;
    const t = (await adjust.create({ seed_table: 'gold/a_share_daily' }, ctx('adjust'))) as Transform & {
      kind: 'batch';
    };
    const { emit, rows } = emitter();
    await t.process(
      testBatch([
        {
          symbol: '000001.SZ',
          trade_date: '2020-06-04',
          open: next.open,
          high: next.high,
          low: next.low,
          close: next.close,
          pre_close: next.pre_close,
          adj_factor: null,
        },
      ]),
      emit,
    );
    expect(rows('out')[0]).toMatchObject({
      adj_factor: 111.048,
      adj_factor_source: 'System_Calculated',
      close: centStable4(next.close * 111.048),
    });
  });
});

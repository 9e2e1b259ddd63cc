import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Rec, SpecDoc } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { emitter, runTransform, testTableBatch } from '../../engine/testing/drivers.ts';
import type { Transform } from '../../engine/api/index.ts';
import fc from 'fast-check';
import { compileRules, type Rule } from '../lib/fusion/rules.ts';
import conform, { quickNumber, quickOk, typeCheck } from './conform.ts';

const file = new URL('../../schemas/gold/a_share_daily/v1.yaml', import.meta.url);
const v1 = { ...(parse(readFileSync(file, 'utf8')) as SpecDoc), file: file.pathname };
const ctx = () => testContext({ specs: [v1] });
const cfg = { schema: 'gold.a_share_daily', version: 1, now_columns: ['last_verified_utc'] };

const good = (over: Rec = {}): Rec => ({
  trade_date: '2024-06-14',
  symbol: '000001.SZ',
  open: 1200.1234,
  high: 1210,
  low: 1190,
  close: 1200,
  volume: 100,
  turnover: 1000.5,
  adj_factor: 111.048,
  pe_ttm: null,
  pb_mrq: 0.5,
  dividend_yield: 0.06,
  total_mv: 2e11,
  div_cash: 0.719,
  split_ratio: null,
  analyst_rating: '买入',
  close_source: 'miniQMT',
  volume_source: 'miniQMT',
  financials_source: 'Tushare',
  data_quality_score: 98.5,
  close_qmt: 10.8,
  fusion_issues: ['x'],
  ...over,
});

describe('conform (gold.a_share_daily v1)', () => {
  it('keeps exactly the schema columns and stamps last_verified_utc', async () => {
    const { out } = await runTransform(conform, cfg, [good()], ctx());
    expect(Object.keys(out[0])).toEqual(
      v1.spec ? (v1.spec as { columns: { name: string }[] }).columns.map((c) => c.name) : [],
    );
    expect(out[0].last_verified_utc).toBeInstanceOf(Date);
    expect(out[0]).not.toHaveProperty('close_qmt');
  });

  it.each([
    ['a missing non-nullable column', { close_source: null }, /close_source: missing/],
    ['a lineage outside the enum', { volume_source: 'Wind' }, /volume_source: "Wind" is not one of/],
    ['high below low', { high: 1000 }, /high: 1000 < low/],
    ['a bad symbol', { symbol: '600519' }, /symbol: "600519" does not match/],
    ['a fractional volume', { volume: 1.5 }, /volume: 1.5 is not a long/],
    ['a decimal overflow', { adj_factor: 1e13 }, /adj_factor: 10000000000000 overflows decimal\(18,6\)/],
    ['a quality score above 100', { data_quality_score: 101 }, /data_quality_score: 101 > max 100/],
    ['an unknown rating', { analyst_rating: '强烈推荐' }, /analyst_rating/],
  ])('rejects %s with the reason', async (_what, over, reason) => {
    const { out, error } = await runTransform(conform, cfg, [good(over)], ctx());
    expect(out).toBeUndefined();
    expect(error[0].reason).toMatch(reason);
  });

  it('refuses an undeclared version', async () => {
    await expect(async () => conform.create({ ...cfg, version: 2 }, ctx())).rejects.toThrow(
      /version 2 is not loaded/,
    );
  });
});

describe('conform on column batches', () => {
  const process = async (rows: Rec[]) => {
    const t = (await conform.create(cfg, ctx())) as Transform & { kind: 'batch' };
    const { emit, rows: got } = emitter();
    await t.process(testTableBatch(rows), emit);
    return { out: got('out'), error: got('error') };
  };

  it('keeps the good rows in order and sends each bad row to error with every problem named', async () => {
    const { out, error } = await process([
      good({ symbol: '600519.SH' }),
      good({ symbol: '600519', high: 1000, close_source: null }),
      good({ symbol: '000002.SZ', volume: 2.5 }),
      good({ symbol: '000001.SZ' }),
    ]);
    expect(out.map((r) => r.symbol)).toEqual(['600519.SH', '000001.SZ']);
    expect(error.map((e) => e.reason)).toEqual([
      'does not conform to gold.a_share_daily v1: symbol: "600519" does not match /^[03468]\\d{5}\\.(SH|SZ|BJ)$/; ' +
        'open: 1200.1234 > high (1000); high: 1000 < low (1190); close_source: missing (not nullable)',
      'does not conform to gold.a_share_daily v1: volume: 2.5 is not a long',
    ]);
    expect(error[0].record).toMatchObject({ symbol: '600519', high: 1000, close_qmt: 10.8 });
  });

  it('judges a value again once it was found invalid, and a remembered valid one still passes', async () => {
    const { out, error } = await process([
      good(),
      good({ analyst_rating: '强推' }),
      good({ analyst_rating: '强推' }),
      good(),
    ]);
    expect(out).toHaveLength(2);
    expect(error.map((e) => e.reason)).toEqual([
      expect.stringMatching(/analyst_rating: "强推" is not one of/),
      expect.stringMatching(/analyst_rating: "强推" is not one of/),
    ]);
  });

  it('fills a missing now column per row and a missing nullable column with null', async () => {
    const rows = [good({ last_verified_utc: new Date('2024-06-14T10:00:00Z') }), good()];
    delete rows[1].pe_ttm;
    const { out } = await process(rows);
    expect(out[0].last_verified_utc).toEqual(new Date('2024-06-14T10:00:00Z'));
    expect(out[1].last_verified_utc).toBeInstanceOf(Date);
    expect(out[1].pe_ttm).toBeNull();
  });
});

describe('conform quick number test', () => {
  const columns = (v1.spec as { columns: { name: string; type: string; rules?: Rule[] }[] }).columns;
  const numeric = columns.filter((c) => quickNumber(c.type, c.rules as never) !== undefined);
  const value = fc.oneof(
    fc.double(),
    fc.double({ min: -2, max: 2 }),
    fc.integer(),
    fc.constantFrom(0, -0, 1e13, 1e18, 2 ** 53, 2 ** 53 - 1, 100, 100.0001, Number.NaN, Infinity),
  );

  it('covers the numeric Gold columns', () => {
    expect(numeric.map((c) => c.name)).toEqual(
      expect.arrayContaining(['open', 'high', 'low', 'close', 'volume', 'adj_factor', 'data_quality_score']),
    );
  });

  it('passes a value only when the full check passes it, comparands included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...numeric),
        value,
        fc.array(fc.oneof(value, fc.constant(null)), { minLength: 4, maxLength: 4 }),
        (c, v, others) => {
          const q = quickNumber(c.type, c.rules as never)!;
          const row: Rec = { low: others[0], high: others[1], open: others[2], close: others[3] };
          const fields = q.fields.map((f) => ({ op: f.op, col: [row[f.name]] }));
          const full = typeCheck(c.type)(v) ?? compileRules('number', c.rules ?? [])(v, (f) => row[f]);
          if (quickOk(q, v, fields, 0)) expect(full).toBeUndefined();
        },
      ),
      { numRuns: 20_000, seed: 21 },
    );
  });

  it('passes the values of a good row', () => {
    const row = good();
    for (const c of numeric) {
      const v = row[c.name];
      if (typeof v !== 'number') continue;
      const q = quickNumber(c.type, c.rules as never)!;
      expect(
        quickOk(
          q,
          v,
          q.fields.map((f) => ({ op: f.op, col: [row[f.name]] })),
          0,
        ),
        c.name,
      ).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Batch, Rec, Transform } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { emitter, runTransform, testBatch, testTableBatch } from '../../engine/testing/drivers.ts';
import { centStable4Exact, chooseFactor, FactorState } from '../lib/hfq/index.ts';
import adjust from './adjust.ts';

const bar = (trade_date: string, over: Rec = {}): Rec => ({
  symbol: '000001.SZ',
  trade_date,
  open: 13,
  high: 13.2,
  low: 12.9,
  close: 13,
  pre_close: 13,
  adj_factor: null,
  adj_factor_source: null,
  ...over,
});

describe('adjust', () => {
  it('multiplies prices by the source factor and keeps the raw ones', async () => {
    const { out } = await runTransform(adjust, {}, [
      bar('2020-05-27', { adj_factor: 109.169, adj_factor_source: 'Tushare', volume: 100 }),
    ]);
    expect(out[0]).toMatchObject({
      close: 1419.197,
      close_raw: 13,
      high: 1441.0308,
      adj_factor: 109.169,
      adj_factor_source: 'Tushare',
      volume: 100,
    });
  });

  it('derives the factor at an ex-date from close(T−1)/pre_close(T) when no source has it', async () => {
    const { out } = await runTransform(adjust, {}, [
      [bar('2020-05-27', { adj_factor: 109.169 })],
      [bar('2020-05-28', { pre_close: 12.78, close: 12.9 })],
      [bar('2020-05-29', { pre_close: 12.9 })],
    ]);
    expect(out.map((r) => [r.adj_factor, r.adj_factor_source])).toEqual([
      [109.169, null],
      [111.048, 'System_Calculated'],
      [111.048, 'System_Calculated'],
    ]);
    expect(out[1].close).toBe(1432.5192);
  });

  it('carries the previous factor when there is no pre_close either (Imputed_Static)', async () => {
    const { out } = await runTransform(adjust, {}, [
      [bar('2020-05-27', { adj_factor: 109.169 })],
      [bar('2020-05-28', { pre_close: null })],
    ]);
    expect(out[1]).toMatchObject({
      adj_factor: 109.169,
      adj_factor_source: 'Imputed_Static',
      pre_close: null,
      pre_close_raw: null,
    });
  });

  it('prefers a source factor over derivation, and continues from it', async () => {
    const { out } = await runTransform(adjust, {}, [
      [bar('2020-05-27', { adj_factor: 109.169 })],
      [bar('2020-05-28', { pre_close: 12.78, adj_factor: 111.05 })],
      [bar('2020-05-29')],
    ]);
    expect(out.map((r) => r.adj_factor)).toEqual([109.169, 111.05, 111.05]);
  });

  it('sorts a batch per symbol and date before deriving', async () => {
    const { out } = await runTransform(adjust, {}, [
      bar('2020-05-28', { pre_close: 12.78 }),
      bar('2020-05-27', { adj_factor: 109.169 }),
    ]);
    expect(out.map((r) => [r.trade_date, r.adj_factor])).toEqual([
      ['2020-05-27', 109.169],
      ['2020-05-28', 111.048],
    ]);
  });

  it('re-running an earlier day derives from the day before it, not from later state', async () => {
    const { out } = await runTransform(adjust, {}, [
      [bar('2020-05-27', { adj_factor: 109.169 })],
      [bar('2020-05-28', { pre_close: 12.78 })],
      [bar('2020-05-28', { pre_close: 12.78 })],
    ]);
    expect(out.map((r) => r.adj_factor)).toEqual([109.169, 111.048, 111.048]);
  });

  it('sends a row with no factor and no history to error, unless an initial factor is configured', async () => {
    const first = await runTransform(adjust, {}, [bar('2020-05-27')]);
    expect(first.out).toBeUndefined();
    expect(first.error[0].reason).toMatch(
      /000001.SZ 2020-05-27 has no valid adj_factor from any source and no previous day/,
    );
    const seeded = await runTransform(adjust, { initial_factor: 1 }, [bar('2020-05-27')]);
    expect(seeded.out[0]).toMatchObject({ adj_factor: 1, adj_factor_source: 'System_Calculated', close: 13 });
  });

  it('ignores invalid source factors (0, negative, NaN)', async () => {
    for (const bad of [0, -1, Number.NaN]) {
      const { out } = await runTransform(adjust, {}, [
        [bar('2020-05-27', { adj_factor: 109.169 })],
        [bar('2020-05-28', { adj_factor: bad })],
      ]);
      expect(out[1].adj_factor).toBe(109.169);
    }
  });
});

describe('adjust on column batches', () => {
  const create = async (config: Rec = {}) =>
    (await adjust.create(config, testContext())) as Transform & { kind: 'batch' };
  /** Runs batches through `process`, keeping the tables emitted on `out`. */
  async function run(batches: Batch[], config: Rec = {}) {
    const t = await create(config);
    const { emit, rows, tables } = emitter();
    for (const b of batches) await t.process(b, emit);
    return { out: rows('out'), error: rows('error'), tables: tables('out') };
  }

  it('emits typed price columns and shares the columns it does not change', async () => {
    const input = testTableBatch([
      bar('2020-05-27', { symbol: '000001.SZ', adj_factor: 109.169, volume: 100 }),
      bar('2020-05-27', { symbol: '600276.SH', adj_factor: 1.2, volume: 200 }),
    ]);
    const { tables, out } = await run([input]);
    expect(tables).toHaveLength(1);
    expect(tables[0].column('close')).toBeInstanceOf(Float64Array);
    expect(tables[0].column('adj_factor')).toBeInstanceOf(Float64Array);
    expect(tables[0].column('volume')).toBe(input.table!.column('volume'));
    expect(tables[0].column('close_raw')).toBe(input.table!.column('close'));
    expect(out.map((r) => r.close)).toEqual([1419.197, 15.6]);
  });

  it('adds no lineage column when the input has none and every row has its own factor', async () => {
    const rows = [bar('2020-05-27', { adj_factor: 109.169 })].map(({ adj_factor_source: _, ...r }) => r);
    const { tables, out } = await run([testTableBatch(rows)]);
    expect(tables[0].columnNames()).not.toContain('adj_factor_source');
    expect(out[0]).not.toHaveProperty('adj_factor_source');
    const derived = await run([
      testTableBatch(rows),
      testTableBatch([{ ...rows[0], trade_date: '2020-05-28', adj_factor: null }]),
    ]);
    expect(derived.out.map((r) => r.adj_factor_source)).toEqual([undefined, 'System_Calculated']);
  });

  it('routes a bad row of a table to error with its record and adjusts the rest in order', async () => {
    const { out, error } = await run([
      testTableBatch([
        bar('2020-05-28', { symbol: '600276.SH', adj_factor: 1.2 }),
        bar('2020-05-28', { symbol: null }),
        bar('2020-05-28', { adj_factor: 109.169, pre_close: null }),
      ]),
    ]);
    expect(out.map((r) => [r.symbol, r.pre_close, r.pre_close_raw])).toEqual([
      ['000001.SZ', null, null],
      ['600276.SH', 15.6, 13],
    ]);
    expect(error).toHaveLength(1);
    expect(error[0].reason).toMatch(/no symbol\/trade_date/);
    expect(error[0].record).toMatchObject({ symbol: null, trade_date: '2020-05-28', close: 13 });
  });

  it('equals a row-by-row reference on random multi-day batches, from columns or records', async () => {
    const symbols = ['000001.SZ', '000002.SZ', '600000.SH'];
    const dates = ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07'];
    const price = fc.option(
      fc.integer({ min: 1, max: 300_000 }).map((c) => c / 100),
      { nil: null, freq: 8 },
    );
    const row = fc.record({
      symbol: fc.constantFrom(...symbols),
      trade_date: fc.constantFrom(...dates),
      open: price,
      high: price,
      low: price,
      close: price,
      pre_close: price,
      adj_factor: fc.oneof(
        fc.constant(null),
        fc.constant(0),
        fc.integer({ min: 1000, max: 500_000 }).map((f) => f / 1000),
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(row, { maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        async (batches) => {
          const expected = reference(batches);
          for (const asTable of [true, false]) {
            const got = await run(batches.map((b) => (asTable ? testTableBatch(b) : testBatch(b))));
            expect(got.out).toEqual(expected.out);
            expect(got.error.map((e) => e.reason)).toEqual(expected.errors);
          }
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});

/** The former row-at-a-time adjust on the exact decimal path: the oracle for the column version. */
function reference(batches: Rec[][]): { out: Rec[]; errors: string[] } {
  const state = new FactorState(16);
  const out: Rec[] = [];
  const errors: string[] = [];
  for (const batch of batches) {
    const rows = [...batch].sort(
      (a, b) =>
        String(a.symbol).localeCompare(String(b.symbol)) ||
        String(a.trade_date).localeCompare(String(b.trade_date)),
    );
    for (const r of rows) {
      const symbol = r.symbol as string;
      const date = r.trade_date as string;
      let d: ReturnType<typeof chooseFactor>;
      try {
        d = chooseFactor({ factor: r.adj_factor, pre_close: r.pre_close }, state.before(symbol, date), 3);
      } catch (err) {
        errors.push((err as Error).message);
        continue;
      }
      if (!d) {
        errors.push(
          `adjust: ${symbol} ${date} has no valid adj_factor from any source and no previous day to derive it from (seed the state or set initial_factor)`,
        );
        continue;
      }
      const o: Rec = { ...r, adj_factor: d.factor };
      if (d.lineage) o.adj_factor_source = d.lineage;
      for (const p of ['open', 'high', 'low', 'close', 'pre_close']) {
        const raw = r[p];
        o[`${p}_raw`] = raw ?? null;
        o[p] = typeof raw === 'number' ? centStable4Exact(raw * d.factor) : null;
      }
      if (typeof r.close === 'number' && r.close > 0)
        state.remember(symbol, { trade_date: date, factor: d.factor, close: r.close });
      out.push(o);
    }
  }
  return { out, errors };
}

import { describe, expect, it } from 'vitest';
import type { Rec, Transform } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { emitter, runTransform, testTableBatch } from '../../engine/testing/drivers.ts';
import actions from './corporate_actions.ts';

const div = (over: Rec = {}): Rec => ({
  source: 'tushare',
  dataset: 'dividend',
  symbol: '600276.SH',
  end_date: '20191231',
  ann_date: '20200515',
  div_proc: '实施',
  stk_div: 0.2,
  cash_div: 0.18,
  cash_div_tax: 0.2,
  record_date: '20200522',
  ex_date: '20200525',
  ...over,
});
const rc = (report_date: string, rating: string, org_name = '中信证券'): Rec => ({
  source: 'tushare',
  dataset: 'report_rc',
  symbol: '600276.SH',
  report_date,
  rating,
  org_name,
  tp: 100,
});
const row = (trade_date: string): Rec => ({ symbol: '600276.SH', trade_date, close: 95 });

describe('corporate_actions', () => {
  it('puts pre-tax cash and 1 + stock dividend on the ex-date only', async () => {
    const { out } = await runTransform(actions, {}, [
      [div()],
      [row('2020-05-22'), row('2020-05-25'), row('2020-05-26')],
    ]);
    expect(out.map((r) => [r.trade_date, r.div_cash, r.split_ratio, r.div_cash_source])).toEqual([
      ['2020-05-22', null, null, null],
      ['2020-05-25', 0.2, 1.2, 'Tushare'],
      ['2020-05-26', null, null, null],
    ]);
  });

  it('ignores dividends that are not implemented, and counts a repeated implemented row once', async () => {
    const { out } = await runTransform(actions, {}, [
      div({ div_proc: '预案', ex_date: null }),
      div(),
      div({ ann_date: '20200520' }),
      row('2020-05-25'),
    ]);
    expect(out[0]).toMatchObject({ div_cash: 0.2, split_ratio: 1.2 });
  });

  it('adds two distributions with the same ex-date', async () => {
    const { out } = await runTransform(actions, {}, [
      div(),
      div({ end_date: '20200331', cash_div_tax: 0.1, stk_div: 0 }),
      row('2020-05-25'),
    ]);
    expect(out[0]).toMatchObject({ div_cash: 0.3, split_ratio: 1.2 });
  });

  it('sends an implemented dividend without ex_date to error', async () => {
    const res = await runTransform(actions, {}, [div({ ex_date: null }), row('2020-05-25')]);
    expect(res.error[0].reason).toMatch(/implemented but has no valid ex_date/);
    expect(res.out[0].div_cash).toBeNull();
  });

  it('takes the latest normalised rating as of the date, within its age limit', async () => {
    const { out, error } = await runTransform(actions, { rating_max_age_days: 30 }, [
      [
        rc('2020-05-01', '推荐'),
        rc('2020-05-20', '强烈推荐'),
        rc('2020-05-20', '中性', '国泰君安'),
        rc('2020-05-20', '买入', '海通证券'),
        rc('2020-05-21', '看好吧'),
      ],
      [row('2020-04-30'), row('2020-05-10'), row('2020-05-20'), row('2020-06-30')],
    ]);
    expect(out.map((r) => [r.trade_date, r.analyst_rating])).toEqual([
      ['2020-04-30', null],
      ['2020-05-10', '增持'],
      ['2020-05-20', '买入'],
      ['2020-06-30', null],
    ]);
    expect(error.map((e) => e.reason)).toEqual([
      'corporate_actions: unknown rating text "看好吧"; add it to rating_map',
    ]);
  });

  it('accepts extra rating texts from the config', async () => {
    const { out } = await runTransform(actions, { rating_map: { 看好: '增持' } }, [
      rc('2020-05-21', '看好'),
      row('2020-05-22'),
    ]);
    expect(out[0]).toMatchObject({ analyst_rating: '增持', analyst_rating_source: 'Tushare' });
  });
});

describe('corporate_actions on column batches', () => {
  async function process(batches: Rec[][], config = {}) {
    const t = (await actions.create(config, testContext())) as Transform & { kind: 'batch' };
    const { emit, rows, tables } = emitter();
    const inputs = batches.map((b) => testTableBatch(b));
    for (const b of inputs) await t.process(b, emit);
    return { out: rows('out'), error: rows('error'), tables: tables('out'), inputs };
  }

  it('applies events of the same batch to its rows, even when they come after them', async () => {
    const { out, error } = await process([
      [
        row('2020-05-25'),
        div(),
        rc('2020-05-20', '买入'),
        { ...row('2020-05-25'), symbol: 7 },
        row('2020-05-26'),
      ],
    ]);
    expect(
      out.map((r) => [r.trade_date, r.div_cash, r.split_ratio, r.analyst_rating, r.analyst_rating_source]),
    ).toEqual([
      ['2020-05-25', 0.2, 1.2, '买入', 'Tushare'],
      ['2020-05-26', null, null, '买入', 'Tushare'],
    ]);
    expect(error.map((e) => e.reason)).toEqual(['corporate_actions: row has no symbol/trade_date']);
    expect(error[0].record).toMatchObject({ symbol: 7, close: 95 });
  });

  it('shares the input columns of a batch of fused rows and adds the six fields', async () => {
    const { tables, inputs, out } = await process([[div()], [row('2020-05-22'), row('2020-05-25')]]);
    expect(tables).toHaveLength(1);
    expect(tables[0].column('close')).toBe(inputs[1].table!.column('close'));
    expect(tables[0].columnNames().slice(-6)).toEqual([
      'div_cash',
      'div_cash_source',
      'split_ratio',
      'split_ratio_source',
      'analyst_rating',
      'analyst_rating_source',
    ]);
    expect(out.map((r) => r.div_cash)).toEqual([null, 0.2]);
  });

  it('sees a later rating of the same day once it arrives (most frequent of that day wins)', async () => {
    const { out } = await process([
      [rc('2020-05-20', '中性', '国泰君安'), row('2020-05-21')],
      [rc('2020-05-20', '买入', '海通证券'), rc('2020-05-20', '买入', '中信证券'), row('2020-05-21')],
    ]);
    expect(out.map((r) => r.analyst_rating)).toEqual(['中性', '买入']);
  });
});

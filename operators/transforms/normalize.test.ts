import type { ColumnTable } from 'arquero';
import { describe, expect, it } from 'vitest';
import type { BatchTransform, Emit, Rec } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { emitter, runTransform, testBatch, testTableBatch } from '../../engine/testing/drivers.ts';
import type { NormalizeRule } from '../lib/normalize/rules.ts';
import normalize from './normalize.ts';

const rules: NormalizeRule[] = [
  {
    when: { source: 'tushare', dataset: 'daily' },
    keep: ['source', 'event_id'],
    set: { bronze_table: 'tushare_daily' },
    fields: {
      symbol: { from: ['ts_code', 'event_symbol'], type: 'symbol', required: true },
      trade_date: { type: 'date', required: true },
      close: { type: 'number', min: 0, required: true },
      volume: { from: 'vol', type: 'integer', scale: 100, min: 0 },
    },
  },
  {
    when: { source: 'tushare', dataset: 'adj_factor' },
    set: { bronze_table: 'tushare_adj_factor' },
    fields: {
      symbol: { from: 'ts_code', type: 'symbol', required: true },
      adj_factor: { type: 'number', min: 0, required: true },
    },
  },
];

const input: Rec[] = [
  {
    source: 'tushare',
    dataset: 'daily',
    ts_code: '600519',
    trade_date: '20240102',
    close: 1,
    vol: 1.5,
    event_id: 'e1',
  },
  { source: 'tushare', dataset: 'adj_factor', ts_code: '000001.SZ', adj_factor: '2.5' },
  {
    source: 'tushare',
    dataset: 'daily',
    event_symbol: 'sz000001',
    trade_date: 20240103,
    close: 2,
    vol: null,
  },
  { source: 'tushare', dataset: 'daily', ts_code: 'XYZ', trade_date: '20240230', close: -1, vol: 'abc' },
  { source: 'qmt', dataset: 'tick' },
];

describe('normalize', () => {
  it('types rows per rule (one table per rule), refusing bad rows with every problem', async () => {
    const out = await runTransform(normalize, { rules }, input);
    expect(out.out).toEqual([
      {
        source: 'tushare',
        event_id: 'e1',
        bronze_table: 'tushare_daily',
        symbol: '600519.SH',
        trade_date: '2024-01-02',
        close: 1,
        volume: 150,
      },
      {
        source: 'tushare',
        event_id: null,
        bronze_table: 'tushare_daily',
        symbol: '000001.SZ',
        trade_date: '2024-01-03',
        close: 2,
        volume: null,
      },
      { bronze_table: 'tushare_adj_factor', symbol: '000001.SZ', adj_factor: 2.5 },
    ]);
    expect(out.error.map((e) => [e.reason, e.record])).toEqual([
      [
        'symbol: "XYZ" is not an A-share symbol (expected e.g. 600519.SH, sh600519, 600519.XSHG) (from ts_code); ' +
          'trade_date: "20240230" is not a valid calendar date; close: -1 is below the minimum 0; volume: "abc" is not a number (from vol)',
        input[3],
      ],
      ['no normalisation rule for source="qmt" dataset="tick"', input[4]],
    ]);
  });

  it('gives the same rows from columns as from records; numbers without nulls stay unboxed', async () => {
    const t = (await normalize.create({ rules }, testContext())) as BatchTransform;
    const tables: ColumnTable[] = [];
    const fromRecords = emitter();
    await t.process(testBatch(input), fromRecords.emit);
    const fromColumns = emitter();
    const emit = Object.assign((r: Rec, p?: string) => fromColumns.emit(r, p), {
      table: (tb: ColumnTable, p?: string) => (tables.push(tb), fromColumns.emit.table(tb, p)),
    }) as Emit;
    await t.process(testTableBatch(input), emit);
    expect(fromColumns.rows('out')).toEqual(fromRecords.rows('out'));
    expect(fromColumns.rows('error')).toEqual(
      fromRecords.rows('error').map((e) => ({ ...e, at: expect.any(String) })),
    );
    expect(tables[0].column('close')).toBeInstanceOf(Float64Array);
    expect(tables[0].column('volume')).toEqual([150, null]); // has a null: a plain array
  });
});

import { describe, expect, it } from 'vitest';
import { tableFromRecords } from '../../../engine/api/index.ts';
import { indexDay, localeOrder } from './day-index.ts';

const row = (source: string, dataset: string, symbol: string, over = {}) => ({
  source,
  dataset,
  symbol,
  trade_date: '2024-06-14',
  close: 1,
  ...over,
});

describe('indexDay', () => {
  it('numbers keys first seen first, finds each stream row across parts, orders by symbol', () => {
    const a = tableFromRecords([row('qmt', 'hist_kline', '600519.SH'), row('qmt', 'hist_kline', '000001.SZ', { close: 2 })]);
    const b = tableFromRecords([row('x', 'y', 'skip'), row('tushare', 'daily', '000001.SZ', { close: 3 })]);
    const day = indexDay([{ table: a }, { table: b, rows: Int32Array.of(1) }], ['symbol', 'trade_date']);
    expect(day.size).toBe(2);
    expect(day.valueAt(1, 'qmt', 'hist_kline', 'close')).toBe(2);
    expect(day.valueAt(1, 'tushare', 'daily', 'close')).toBe(3);
    expect(day.valueAt(0, 'tushare', 'daily', 'close')).toBeUndefined();
    expect(Array.from(day.order)).toEqual([1, 0]);
  });

  it('keeps the newest ingest of a repeated stream row (the later one on a tie)', () => {
    const t = tableFromRecords([
      row('qmt', 'hist_kline', 'A', { close: 1, fetched_at: '2024-01-02' }),
      row('qmt', 'hist_kline', 'A', { close: 2, fetched_at: '2024-01-01' }),
      row('qmt', 'hist_kline', 'A', { close: 3, fetched_at: '2024-01-02' }),
    ]);
    expect(indexDay([{ table: t }], ['symbol', 'trade_date']).valueAt(0, 'qmt', 'hist_kline', 'close')).toBe(3);
  });
});

describe('localeOrder', () => {
  it('is the order of a stable localeCompare sort, also where code units disagree', () => {
    for (const names of [
      ['600519.SH', '000001.SZ', '300750.SZ', '688981.SH', '830799.BJ'],
      ['b', 'B', 'a', 'ä', 'A', 'z', '10', '9', 'é', 'e'],
    ]) {
      const expected = names.map((_, i) => i).sort((x, y) => names[x].localeCompare(names[y]));
      expect(Array.from(localeOrder(names))).toEqual(expected);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { tableFromRecords } from '../../../engine/api/index.ts';
import { indexDay } from './day-index.ts';
import { KeyDictionary } from './key-dictionary.ts';

const row = (source: string, dataset: string, symbol: string, over = {}) => ({
  source,
  dataset,
  symbol,
  trade_date: '2024-06-14',
  close: 1,
  ...over,
});

describe('indexDay', () => {
  it('numbers keys in symbol order and finds each stream row across parts', () => {
    const a = tableFromRecords([
      row('qmt', 'hist_kline', '600519.SH'),
      row('qmt', 'hist_kline', '000001.SZ', { close: 2 }),
    ]);
    const b = tableFromRecords([row('x', 'y', 'skip'), row('tushare', 'daily', '000001.SZ', { close: 3 })]);
    const day = indexDay([{ table: a }, { table: b, rows: Int32Array.of(1) }], ['symbol', 'trade_date']);
    expect(day.size).toBe(2);
    expect(day.valueAt(0, 'qmt', 'hist_kline', 'symbol')).toBe('000001.SZ');
    expect(day.valueAt(0, 'qmt', 'hist_kline', 'close')).toBe(2);
    expect(day.valueAt(0, 'tushare', 'daily', 'close')).toBe(3);
    expect(day.valueAt(1, 'qmt', 'hist_kline', 'close')).toBe(1);
    expect(day.valueAt(1, 'tushare', 'daily', 'close')).toBeUndefined();
    expect([...day.firstRow]).toEqual([1, 0]);
  });

  it('finds keys whatever the order of the next part (guesses checked, misses looked up)', () => {
    const symbols = ['A', 'B', 'C', 'D', 'E'];
    const a = tableFromRecords(symbols.map((s, i) => row('qmt', 'hist_kline', s, { close: i })));
    const shuffled = ['C', 'A', 'B', 'E', 'F', 'D'];
    const b = tableFromRecords(shuffled.map((s) => row('tushare', 'daily', s, { close: s })));
    const day = indexDay([{ table: a }, { table: b }], ['symbol', 'trade_date']);
    expect(day.size).toBe(6);
    for (let k = 0; k < 6; k++) {
      expect(day.valueAt(k, 'tushare', 'daily', 'close')).toBe('ABCDEF'[k]);
      expect(day.valueAt(k, 'qmt', 'hist_kline', 'close')).toBe(k < 5 ? k : undefined);
    }
  });

  it('keeps the newest ingest of a repeated stream row (the later one on a tie)', () => {
    const t = tableFromRecords([
      row('qmt', 'hist_kline', 'A', { close: 1, fetched_at: '2024-01-02' }),
      row('qmt', 'hist_kline', 'A', { close: 2, fetched_at: '2024-01-01' }),
      row('qmt', 'hist_kline', 'A', { close: 3, fetched_at: '2024-01-02' }),
    ]);
    expect(indexDay([{ table: t }], ['symbol', 'trade_date']).valueAt(0, 'qmt', 'hist_kline', 'close')).toBe(
      3,
    );
  });
});

describe('KeyDictionary', () => {
  const sorted = (names: string[]) => names.map((_, i) => i).sort((x, y) => names[x].localeCompare(names[y]));
  it('orders a day as a stable localeCompare sort would, also where code units disagree', () => {
    const dict = new KeyDictionary();
    for (const names of [
      ['600519.SH', '000001.SZ', '300750.SZ', '688981.SH', '830799.BJ'],
      ['b', 'B', 'a', 'ä', 'A', 'z', '10', '9', 'é', 'e', '000001.SZ'],
      ['600519.SH', 'new', '000001.SZ'],
    ]) {
      const ids = Int32Array.from(names, (n) => dict.id(n, n));
      expect(Array.from(dict.order(ids))).toEqual(sorted(names));
    }
  });

  it('keeps equal symbols (several key columns) in first-seen order, and forgets past its limit', () => {
    const dict = new KeyDictionary(3);
    const ids = Int32Array.from(['b|2', 'a|1', 'b|1', 'a|2'], (k) => dict.id(k, k[0]));
    expect(Array.from(dict.order(ids))).toEqual([1, 3, 0, 2]);
    dict.trim();
    expect(dict.size).toBe(0);
    expect(Array.from(dict.order(Int32Array.of(dict.id('z', 'z'), dict.id('y', 'y'))))).toEqual([1, 0]);
  });
});

import { readFileSync } from 'node:fs';
import { table } from 'arquero';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules, scaled, toIsoDate, toNumber, toSymbol } from './index.ts';
import { compileColumnRules, type Normalized, type NormalizeRule } from './rules.ts';
import { REAL_DATA_DIR } from '../hfq/real-data.ts';

describe('toSymbol', () => {
  it.each([
    ['600519', '600519.SH'],
    ['sh600519', '600519.SH'],
    ['SH600519', '600519.SH'],
    ['600519.sh', '600519.SH'],
    ['600519.XSHG', '600519.SH'],
    ['000001.XSHE', '000001.SZ'],
    ['000001', '000001.SZ'],
    ['300750.SZ', '300750.SZ'],
    ['sz.000001', '000001.SZ'],
    ['430047.BJ', '430047.BJ'],
    ['830799', '830799.BJ'],
    [' 601318.SH ', '601318.SH'],
  ])('%s → %s', (input, out) => expect(toSymbol(input)).toBe(out));

  it.each([
    ['600519.SZ', /contradicts/],
    ['900901', /not an A-share code/],
    ['60051', /not an A-share symbol/],
    ['AAPL', /not an A-share symbol/],
    ['600519.XX', /unknown exchange/],
    [null, /got null/],
  ])('rejects %s', (input, msg) => expect(() => toSymbol(input)).toThrow(msg));
});

describe('toIsoDate', () => {
  it.each([
    ['20240102', '2024-01-02'],
    [20240102, '2024-01-02'],
    ['2024-01-02', '2024-01-02'],
    ['2024-01-02T15:00:00', '2024-01-02'],
    ['2024-01-01T16:00:00Z', '2024-01-02'], // midnight in Shanghai
    ['2024-01-02T09:30:00+08:00', '2024-01-02'],
    [1704124800000, '2024-01-02'], // 2024-01-01T16:00Z
    ['1704124800000', '2024-01-02'],
    [1704211199999, '2024-01-02'],
  ])('%s → %s', (input, out) => expect(toIsoDate(input)).toBe(out));

  it.each([['20240230'], ['2024-13-01'], [''], ['yesterday'], [12345], [null], [2024.5]])(
    'rejects %s',
    (input) => expect(() => toIsoDate(input)).toThrow(),
  );
});

describe('values', () => {
  it('reads numbers and null spellings', () => {
    expect(toNumber('12.5')).toBe(12.5);
    expect(toNumber('1,234.5')).toBe(1234.5);
    for (const n of [null, undefined, '', 'None', 'NaN', NaN, '--']) expect(toNumber(n)).toBeNull();
    expect(() => toNumber('12a')).toThrow(/not a number/);
    expect(() => toNumber(Infinity)).toThrow(/finite/);
  });
  it('scales without binary noise on the real Tushare file', () => {
    const lines = readFileSync(`${REAL_DATA_DIR}/600519.SH.csv`, 'utf8').trim().split('\n').slice(1, 400);
    for (const line of lines) {
      const vol = line.split(',')[9];
      const shares = scaled(Number(vol), 100);
      // Exactly the decimal shift of the text, computed without floating point.
      const [i, f = ''] = vol.split('.');
      expect(shares).toBe(Number(i + (f + '00').slice(0, 2) + (f.length > 2 ? '.' + f.slice(2) : '')));
    }
  });
});

describe('compileRules', () => {
  const norm = compileRules([
    {
      when: { source: 'tushare', dataset: 'daily' },
      keep: ['source', 'dataset'],
      fields: {
        symbol: { from: ['ts_code', 'event_symbol'], type: 'symbol', required: true },
        trade_date: { type: 'date', required: true },
        close: { type: 'number', required: true, min: 0 },
        volume: { from: 'vol', type: 'integer', scale: 100, min: 0 },
        amount: { type: 'number', scale: 1000 },
      },
    },
    {
      when: { source: 'qmt', dataset: ['hist_kline', 'daily'] },
      fields: { trade_date: { from: ['date', 'time'], type: 'date', required: true } },
    },
  ]);

  it('applies the first matching rule', () => {
    expect(
      norm({
        source: 'tushare',
        dataset: 'daily',
        ts_code: 'sh600519',
        trade_date: '20241231',
        close: '1524.0',
        vol: 39354.45,
        amount: 6033540.366,
      }),
    ).toEqual({
      source: 'tushare',
      dataset: 'daily',
      symbol: '600519.SH',
      trade_date: '2024-12-31',
      close: 1524,
      volume: 3935445,
      amount: 6033540366,
    });
    expect(norm({ source: 'qmt', dataset: 'hist_kline', time: 1704124800000 })).toEqual({
      trade_date: '2024-01-02',
    });
  });

  it('lists every problem of a record at once', () => {
    expect(() =>
      norm({
        source: 'tushare',
        dataset: 'daily',
        ts_code: 'XYZ',
        trade_date: '20240230',
        close: -1,
        vol: 'abc',
      }),
    ).toThrow(
      /symbol: .*; trade_date: .*; close: -1 is below the minimum 0; volume: "abc" is not a number \(from vol\)/,
    );
    expect(() => norm({ source: 'tushare', dataset: 'daily', trade_date: '20240102', close: 1 })).toThrow(
      /symbol: missing/,
    );
    expect(() => norm({ source: 'x', dataset: 'daily' })).toThrow(
      /no normalisation rule for source="x" dataset="daily"/,
    );
  });
});

describe('numeric fields over Float64Array columns', () => {
  // explode hands over all-number fields as Float64Arrays; outputColumn converts them in a loop of
  // its own. It must give what the generic per-value path gives for the same values in an array.
  const rules = [
    {
      keep: ['s'],
      fields: {
        p: { type: 'number', min: 0 },
        v: { from: 'vol', type: 'integer', scale: 100, min: 0, required: true },
        q: { type: 'number', scale: 1000, max: 1e6, required: true },
      },
    },
  ] as NormalizeRule[];
  const view = (r: Normalized) => ({
    errors: r.errors,
    tables: r.tables.map((t) =>
      t.columnNames().map((c) => {
        const col = t.column(c) as unknown as ArrayLike<unknown>;
        // NaN and −0 as text, so toStrictEqual tells them apart; typed-ness is compared too.
        const show = (x: unknown) =>
          typeof x === 'number' && (x !== x || Object.is(x, -0))
            ? `n:${x}${Object.is(x, -0) ? '-0' : ''}`
            : x;
        return [c, col instanceof Float64Array, Array.from(col).map(show)];
      }),
    ),
  });

  it('gives the same values, nulls and problems as the generic path', () => {
    const norm = compileColumnRules(rules);
    const num = fc.oneof(
      { weight: 6, arbitrary: fc.double({ min: -1e7, max: 1e7 }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -0, 1e300, 0.1, 39354.45, 1.005) },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(num, num, num), { minLength: 1, maxLength: 30 }), (vals) => {
        const cols = (make: (a: number[]) => ArrayLike<number>) =>
          table({
            s: vals.map(() => 'a'),
            p: make(vals.map((v) => v[0])),
            vol: make(vals.map((v) => v[1])),
            q: make(vals.map((v) => v[2])),
          } as unknown as Record<string, unknown[]>);
        const typed = view(norm(cols((a) => Float64Array.from(a))));
        const plain = view(norm(cols((a) => a)));
        expect(typed).toStrictEqual(plain);
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * rowOrder against its definition (a stable sort by `localeCompare` of symbol, then trade date;
 * `null` when that sort keeps every row in place), over sequences of batches: its shortcuts (pairs
 * found in order before, the last sorted batch repeated position by position) carry state from
 * batch to batch, so a batch is only judged right if every batch before it was too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactorState } from './factor.ts';
import { rowOrder } from './columns.ts';

function reference(symbols: readonly string[], dates: readonly string[]): Int32Array | null {
  const idx = symbols.map((_, i) => i);
  idx.sort((a, b) => symbols[a].localeCompare(symbols[b]) || dates[a].localeCompare(dates[b]));
  return idx.every((v, i) => v === i) ? null : Int32Array.from(idx);
}

// Symbols the collator finds equal though the strings differ (NFC vs NFD 'é', case is not equal)
// and near-duplicates, so the date decides some pairs.
const SYMBOLS = [
  '000001.SZ',
  '000002.SZ',
  '600000.SH',
  '600519.SH',
  'caf\u00e9',
  'cafe\u0301',
  'cafe',
  'Cafe',
];
const DATES = ['2024-06-13', '2024-06-14', '2024-06-17'];

describe('rowOrder', () => {
  it('equals a stable sort by (symbol, trade_date) on every batch of a sequence', () => {
    const batch = fc.array(fc.tuple(fc.constantFrom(...SYMBOLS), fc.constantFrom(...DATES)), {
      minLength: 0,
      maxLength: 12,
    });
    // Sorted batches (the usual case) and the same batch twice in a row exercise the shortcuts.
    const sequence = fc.array(fc.tuple(batch, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(sequence, (batches) => {
        for (const [rows, sort, twice] of batches) {
          const b = sort
            ? [...rows].sort((x, y) => x[0].localeCompare(y[0]) || x[1].localeCompare(y[1]))
            : rows;
          for (let k = 0; k < (twice ? 2 : 1); k++) {
            // Fresh strings each time, as each day's batch brings its own.
            const symbols = b.map(([s]) => s.split('').join(''));
            const dates = b.map(([, d]) => d);
            expect(rowOrder(symbols, dates, b.length)).toEqual(reference(symbols, dates));
          }
        }
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('does not take a batch the dates kept in order for a template of the next', () => {
    // NFC and NFD 'café' are equal to the collator: the dates ordered them in the first batch.
    const nfc = 'caf\u00e9';
    const nfd = 'cafe\u0301';
    expect(rowOrder([nfc, nfd], ['2024-06-13', '2024-06-14'], 2)).toBeNull();
    expect(rowOrder([nfc, nfd], ['2024-06-14', '2024-06-13'], 2)).toEqual(Int32Array.of(1, 0));
  });
});

describe('rowOrder after a sorted batch', () => {
  it('still compares the dates of equal neighbours when the same symbols come again', () => {
    expect(rowOrder(['A', 'A', 'B'], ['2024-06-13', '2024-06-14', '2024-06-13'], 3)).toBeNull();
    expect(rowOrder(['A', 'A', 'B'], ['2024-06-14', '2024-06-13', '2024-06-13'], 3)).toEqual(
      Int32Array.of(1, 0, 2),
    );
  });

  it('repeats a sorted day of distinct symbols without sorting, and sees a changed one', () => {
    expect(rowOrder(['A', 'B', 'C'], ['d', 'd', 'd'], 3)).toBeNull();
    expect(rowOrder(['A', 'B', 'C'], ['e', 'e', 'e'], 3)).toBeNull();
    expect(rowOrder(['A', 'C', 'B'], ['e', 'e', 'e'], 3)).toEqual(Int32Array.of(0, 2, 1));
    expect(rowOrder(['A', 'B'], ['e', 'e'], 2)).toBeNull();
  });
});

describe('FactorState.daysAt', () => {
  it('is days(symbol), whatever was at the position before', () => {
    const state = new FactorState(4);
    const seq = [
      ['A', 'B', 'C'],
      ['A', 'B', 'C'],
      ['A', 'C'],
      ['B', 'A', 'C', 'D'],
    ];
    for (const symbols of seq)
      symbols.forEach((s, pos) => expect(state.daysAt(pos, s.split('').join(''))).toBe(state.days(s)));
    expect(state.size).toBe(4);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tableFromRecords, type Rec } from '../../../engine/api/index.ts';
import { hfqColumns } from './columns.ts';
import { FactorState } from './factor.ts';
import { roundHalfEven } from './round.ts';
import { seedFactorState } from './seed.ts';

/** The former seed of the adjust operator: records, a stable sort by date, `remember` row by row. */
function seedRows(state: FactorState, input: readonly Rec[]): void {
  const rows = [...input].sort((a, b) => String(a.trade_date).localeCompare(String(b.trade_date)));
  for (const r of rows) {
    const f = Number(r.adj_factor);
    const c = Number(r.close);
    if (!(f > 0) || !(c > 0)) continue;
    state.remember(String(r.symbol), {
      trade_date: String(r.trade_date),
      factor: f,
      close: roundHalfEven(c / f, 2),
    });
  }
}

const DAYS = Array.from({ length: 12 }, (_, d) =>
  new Date(Date.UTC(2024, 5, 3 + d)).toISOString().slice(0, 10),
);
const NEXT = '2024-06-20';
const row = fc.record({
  symbol: fc.constantFrom('000001.SZ', '600519.SH', '300750.SZ', '688981.SH'),
  trade_date: fc.constantFrom(...DAYS),
  close: fc.oneof(fc.double({ min: 1, max: 5000, noNaN: true }), fc.constant(null), fc.constant(0)),
  adj_factor: fc.oneof(fc.double({ min: 0.5, max: 300, noNaN: true }), fc.constant(null), fc.constant(-1)),
});
const opts = { closeCol: 'close', factorCol: 'adj_factor', priceDecimals: 2 };
const snapshot = (s: FactorState) =>
  ['000001.SZ', '600519.SH', '300750.SZ', '688981.SH'].map((sym) =>
    [...DAYS, NEXT].map((d) => s.before(sym, d) ?? null),
  );

describe('seedFactorState', () => {
  it('reaches the state of the former row seed, and the next day adjusts the same', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 80 }), fc.integer({ min: 1, max: 6 }), (rows, keep) => {
        const byRows = new FactorState(keep);
        seedRows(byRows, rows);
        const byTable = new FactorState(keep);
        seedFactorState(byTable, tableFromRecords(rows), opts);
        expect(snapshot(byTable)).toEqual(snapshot(byRows));
        // The next day, without factors of its own: derived / carried from the seeded days.
        const next = tableFromRecords(
          ['000001.SZ', '300750.SZ', '600519.SH', '688981.SH'].map((symbol) => ({
            symbol,
            trade_date: NEXT,
            open: 10,
            high: 11,
            low: 9,
            close: 10.5,
            pre_close: 10.2,
            adj_factor: null,
          })),
        );
        const hfq = {
          prices: ['open', 'high', 'low', 'close', 'pre_close'],
          factorCol: 'adj_factor',
          closeCol: 'close',
          preCol: 'pre_close',
          decimals: 3,
          keepRaw: true,
        };
        const a = hfqColumns(next, null, byTable, hfq);
        const b = hfqColumns(next, null, byRows, hfq);
        expect(a.errors).toEqual(b.errors);
        expect(a.table.objects()).toEqual(b.table.objects());
        expect(snapshot(byTable)).toEqual(snapshot(byRows));
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('seeds from typed columns (a lake read) as from records, skipping invalid rows', () => {
    const t = tableFromRecords([
      { symbol: 'A', trade_date: DAYS[1], close: 20, adj_factor: 2 },
      { symbol: 'A', trade_date: DAYS[0], close: 30, adj_factor: 3 },
      { symbol: 'B', trade_date: DAYS[0], close: 0, adj_factor: 3 },
    ]).assign({ close: Float64Array.of(20, 30, 0), adj_factor: Float64Array.of(2, 3, 3) });
    const s = new FactorState(4);
    expect(seedFactorState(s, t, opts)).toBe(3);
    expect(s.before('A', NEXT)).toEqual({ trade_date: DAYS[1], factor: 2, close: 10 });
    expect(s.before('A', DAYS[1])).toEqual({ trade_date: DAYS[0], factor: 3, close: 10 });
    expect(s.size).toBe(1);
  });
});

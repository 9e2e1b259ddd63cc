import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactorState, type PrevDay } from './factor.ts';

/** The former list version of the memory (sorted by date, replace on equal date, keep the newest). */
class ListState {
  private readonly days = new Map<string, PrevDay[]>();
  constructor(private readonly keep: number) {}
  before(symbol: string, date: string): PrevDay | undefined {
    return this.days.get(symbol)?.findLast((d) => d.trade_date < date);
  }
  remember(symbol: string, day: PrevDay): void {
    const days = this.days.get(symbol) ?? [];
    const at = days.findIndex((d) => d.trade_date >= day.trade_date);
    if (at === -1) days.push(day);
    else if (days[at].trade_date === day.trade_date) days[at] = day;
    else days.splice(at, 0, day);
    if (days.length > this.keep) days.splice(0, days.length - this.keep);
    this.days.set(symbol, days);
  }
}

describe('FactorState', () => {
  const date = fc.integer({ min: 1, max: 40 }).map((d) => `2020-01-${String(d).padStart(2, '0')}`);
  const op = fc.record({
    symbol: fc.constantFrom('A', 'B'),
    date,
    factor: fc.integer({ min: 1, max: 9 }),
    // Mostly the next day, as in a daily run; sometimes a re-run or an out-of-order day.
    kind: fc.constantFrom('next', 'next', 'next', 'any'),
  });

  it('answers like the list it replaced, over long random runs (sliding window, re-runs, late days)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 120 }), (keep, ops) => {
        const fast = new FactorState(keep);
        const ref = new ListState(keep);
        const next = new Map<string, number>();
        for (const o of ops) {
          const n = (next.get(o.symbol) ?? 0) + 1;
          next.set(o.symbol, n);
          const d = o.kind === 'next' ? `2020-${String(n).padStart(4, '0')}` : o.date;
          const day = { trade_date: d, factor: o.factor, close: o.factor * 10 };
          fast.remember(o.symbol, day);
          ref.remember(o.symbol, day);
          for (const probe of [d, '2020-0001', '2020-01-20', '2020-9999', `${d}~`])
            expect(fast.before(o.symbol, probe)).toEqual(ref.before(o.symbol, probe));
        }
      }),
      { numRuns: 500, seed: 9 },
    );
  });

  it('keeps the newest days only', () => {
    const s = new FactorState(2);
    for (const d of ['2020-01-01', '2020-01-02', '2020-01-03'])
      s.remember('A', { trade_date: d, factor: 1, close: 1 });
    expect(s.before('A', '2020-01-02')).toBeUndefined();
    expect(s.before('A', '2020-01-04')?.trade_date).toBe('2020-01-03');
    s.remember('A', { trade_date: '2019-12-31', factor: 1, close: 1 }); // older than all: not kept
    expect(s.before('A', '2020-01-03')?.trade_date).toBe('2020-01-02');
  });
});

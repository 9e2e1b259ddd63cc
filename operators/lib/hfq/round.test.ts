import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centStable4,
  centStable4Exact,
  formatFixed,
  halfEvenUnits,
  roundHalfEven,
  roundHalfEvenExact,
  roundHalfEvenUnits,
} from './round.ts';

/** Python's own '%.Nf' for each value, as the oracle (values travel as repr() round-trip strings). */
function pythonFormat(values: number[], digits: number): string[] {
  const script = `import sys,json\nvals=json.load(sys.stdin)\nprint(json.dumps(['%.${digits}f' % float(v) for v in vals]))`;
  const out = execFileSync('python3', ['-c', script], {
    input: JSON.stringify(values.map((v) => String(v))),
  });
  return JSON.parse(out.toString()) as string[];
}

describe('formatFixed (Python %.2f)', () => {
  it('rounds exact binary ties half to even', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(0.625, 2)).toBe('0.62');
    expect(formatFixed(0.875, 2)).toBe('0.88');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(1234.5625, 3)).toBe('1234.562');
    // JavaScript breaks those ties upwards, which is why the module exists.
    expect((0.125).toFixed(2)).toBe('0.13');
  });

  it('uses the exact binary value, not the shortest decimal', () => {
    expect(formatFixed(2.675, 2)).toBe('2.67'); // 2.67499999999999982236431605997495353221893310546875
    expect(formatFixed(1.005, 2)).toBe('1.00');
    expect(formatFixed(1.015, 2)).toBe('1.01');
    expect(formatFixed(1.025, 2)).toBe('1.02');
    expect(formatFixed(8.345, 2)).toBe('8.35'); // stored slightly above the tie
  });

  it('handles integers, large values, negatives and zero', () => {
    expect(formatFixed(0, 2)).toBe('0.00');
    expect(formatFixed(-0.001, 2)).toBe('-0.00');
    expect(formatFixed(-0.125, 2)).toBe('-0.12');
    expect(formatFixed(2 ** 60, 2)).toBe('1152921504606846976.00');
    expect(formatFixed(5e-324, 2)).toBe('0.00');
    expect(roundHalfEvenUnits(12.345678, 4)).toBe(123457n);
    expect(() => formatFixed(Number.NaN, 2)).toThrow(/not a finite number/);
  });

  it('agrees with Python on ties and random prices × factors', () => {
    const ties = Array.from({ length: 200 }, (_, i) => (2 * i + 1) / 8 + i); // k + odd/8: exact ties at 2 dp
    const prices = fc.sample(
      fc
        .tuple(fc.integer({ min: 100, max: 300000 }), fc.integer({ min: 1000, max: 400000 }))
        .map(([p, f]) => (p / 100) * (f / 1000)),
      { numRuns: 3000, seed: 42 },
    );
    // -0 cannot travel as a JSON number; it is covered above.
    const doubles = fc
      .sample(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { numRuns: 2000, seed: 7 })
      .filter((v) => !Object.is(v, -0));
    const values = [...ties, ...prices, ...doubles];
    const expected = pythonFormat(values, 2);
    const got = values.map((v) => formatFixed(v, 2));
    const mismatches = values.flatMap((v, i) =>
      got[i] === expected[i] ? [] : [`${v}: ${got[i]} vs python ${expected[i]}`],
    );
    expect(mismatches).toEqual([]);
    expect(pythonFormat([0.125], 2)).toEqual(['0.12']); // the oracle itself is half-even
  });
});

describe('roundHalfEven', () => {
  it('returns the double of the formatted value', () => {
    expect(roundHalfEven(13.0 * 109.169, 2)).toBe(1419.2);
    expect(roundHalfEven(0.125, 2)).toBe(0.12);
  });
});

describe('centStable4', () => {
  it('never double-rounds across a cent boundary', () => {
    expect(centStable4(1.234951)).toBe(1.2349);
    expect(centStable4(1.235049)).toBe(1.2351);
    expect(centStable4(0.125)).toBe(0.1249); // exact tie: pro_bar says 0.12
    expect(centStable4(0.375)).toBe(0.3751); // exact tie: pro_bar says 0.38
    expect(centStable4(12.34567)).toBe(12.3457);
  });

  it('rounds back to the pro_bar cent and stays within 0.0001', () => {
    const values = fc.sample(fc.double({ min: 0.01, max: 1e5, noNaN: true }), { numRuns: 20000, seed: 3 });
    values.push(...Array.from({ length: 400 }, (_, i) => i + 0.005 + i / 1000 - 0.00005)); // near cent ties
    for (const v of values) {
      const s = centStable4(v);
      expect(Math.abs(s - v)).toBeLessThanOrEqual(0.0001 + 1e-9);
      expect(roundHalfEven(s, 2)).toBe(roundHalfEven(v, 2));
      expect(Number(s.toFixed(2))).toBe(roundHalfEven(v, 2)); // half-up readers agree too
    }
  });
});

/**
 * The fast paths (floating-point product, exact BigInt fallback near ties) against the exact decimal
 * path on random inputs. Near-ties are generated on purpose: random doubles almost never land on one.
 */
describe('fast rounding equals the exact decimal path', () => {
  const digits = fc.integer({ min: 0, max: 6 });
  /** Doubles next to a decimal tie (k + ½)/10^d: the exact tie when representable and its neighbours. */
  const nearTie = fc
    .tuple(
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: -4, max: 4 }),
    )
    .map(([k, d, ulps]) => {
      let x = (k + 0.5) / 10 ** d;
      for (let i = 0; i < Math.abs(ulps); i++) x = nextDouble(x, ulps > 0);
      return [x, d] as const;
    });
  /** Exact binary ties: odd multiples of 2^-e, which are exactly half-way at some decimal place. */
  const binaryTie = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 12 }))
    .map(([k, e]) => (2 * k + 1) / 2 ** e);
  const price = fc
    .tuple(fc.integer({ min: 1, max: 500_000 }), fc.integer({ min: 1, max: 5_000_000 }))
    .map(([p, f]) => (p / 100) * (f / 1000)); // price with cents × factor with 3 decimals, as adjust does

  it('roundHalfEven on random doubles, prices × factors, near-ties and binary ties', () => {
    const anyDouble = fc.double({ min: -1e16, max: 1e16, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.oneof(anyDouble, price, binaryTie), digits, (x, d) => {
        expect(roundHalfEven(x, d)).toBe(roundHalfEvenExact(x, d));
      }),
      { numRuns: 20_000, seed: 11 },
    );
    fc.assert(
      fc.property(nearTie, ([x, d]) => {
        expect(roundHalfEven(x, d)).toBe(roundHalfEvenExact(x, d));
        expect(halfEvenUnits(x, d)).toBe(Number(roundHalfEvenUnits(x, d)));
      }),
      { numRuns: 20_000, seed: 12 },
    );
  });

  it('centStable4 on random prices × factors and near cent and 4-decimal ties', () => {
    const near4 = nearTie.map(([x]) => x);
    const nearCent = fc
      .tuple(fc.integer({ min: 0, max: 2 ** 36 }), fc.integer({ min: -300, max: 300 }))
      .map(([k, u]) => (k * 100 + 50 + u / 100) / 1e4); // around …50 of the 4th decimal
    fc.assert(
      fc.property(
        fc.oneof(price, near4, nearCent, binaryTie, fc.double({ min: 1e-6, max: 1e9, noNaN: true })),
        (x) => {
          expect(centStable4(x)).toBe(centStable4Exact(x));
        },
      ),
      { numRuns: 30_000, seed: 13 },
    );
  });

  it('keeps the exact path’s errors and signs', () => {
    expect(() => roundHalfEven(Number.NaN, 2)).toThrow(/not a finite number/);
    expect(() => centStable4(Number.POSITIVE_INFINITY)).toThrow(/not a finite number/);
    expect(Object.is(roundHalfEven(-0.001, 2), -0)).toBe(true);
    expect(roundHalfEven(2 ** 60, 2)).toBe(2 ** 60);
    expect(roundHalfEven(0.125, 2)).toBe(0.12); // exact binary tie: fallback to the exact path
    expect(halfEvenUnits(0.375, 2)).toBe(38);
  });
});

/** The adjacent double above (or below) a positive finite x. */
function nextDouble(x: number, up: boolean): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  if (x === 0) return up ? Number.MIN_VALUE : 0;
  view.setBigUint64(0, up ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

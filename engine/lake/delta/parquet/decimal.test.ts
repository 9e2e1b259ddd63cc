import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toUnscaled, toUnscaledFast } from '../values.ts';
import { buildColumn, readBigEndian } from './columns.ts';
import { split, splitUnscaled } from './decimal.ts';

// The reference is toUnscaled's text path: the shortest round-trip text, rounded half-even.
const viaText = (v: number, s: number): bigint => toUnscaled(String(v), 38, s, 'x');
const viaSplit = (a: number, s: number): bigint | undefined =>
  splitUnscaled(a, s) ? BigInt(split.whole) * 10n ** BigInt(s) + BigInt(split.offset) : undefined;

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
/** `v` moved by `k` units in the last place (same sign). */
function ulps(v: number, k: number): number {
  F64[0] = v;
  U64[0] = BigInt.asUintN(64, U64[0] + BigInt(k));
  return F64[0];
}

const scale = fc.integer({ min: 0, max: 8 });
/** Around v·10^s = 2^52, where the product rule stops: 2^46 … 2^58 scaled. */
const band = scale.chain((s) =>
  fc.tuple(fc.double({ min: 2 ** 46 / 10 ** s, max: 2 ** 58 / 10 ** s, noNaN: true }), fc.constant(s)),
);
/** Decimals with 0 … s+2 fraction digits in the band (what data holds), and their ulp neighbours. */
const decimals = scale.chain((s) =>
  fc
    .tuple(
      fc.double({ min: 2 ** 46 / 10 ** s, max: 2 ** 53, noNaN: true }),
      fc.integer({ min: 0, max: s + 2 }),
      fc.integer({ min: -2, max: 2 }),
    )
    .map(([v, k, d]) => [ulps(Number(v.toFixed(Math.min(k, 20))), d), s] as const),
);
/** Texts ending in 5 right after the scale (ties of the half-even rule), ± a few ulps. */
const ties = scale.chain((s) =>
  fc
    .tuple(fc.bigInt({ min: 1n, max: 2n ** 56n }), fc.integer({ min: -3, max: 3 }))
    .map(([n, d]) => [ulps(Number(`${n}5e-${s + 1}`), d), s] as const),
);
/** Few fraction bits (X's fraction is often exactly a half): the tie rule between two candidates. */
const dyadic = scale.chain((s) =>
  fc
    .tuple(fc.double({ min: 2 ** 46 / 10 ** s, max: 2 ** 53, noNaN: true }), fc.integer({ min: 1, max: 24 }), fc.nat())
    .map(([v, b, m]) => [Math.trunc(v) + (m % 2 ** b) / 2 ** b, s] as const),
);
const signed = <T extends readonly [number, number]>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, fc.boolean()).map(([[v, s], neg]) => [neg ? -v : v, s] as const);

describe('splitUnscaled (the text rule without the text)', () => {
  it('splits market values at scale 4 the way their text reads', () => {
    expect(splitUnscaled(812345678901.2345, 4)).toBe(true);
    expect(split).toEqual({ whole: 812345678901, offset: 2345 });
    // 16 significant digits round-trip only as a neighbour: the shortest text is what counts.
    expect(String(8123456789012.3457)).toBe('8123456789012.346');
    expect(viaSplit(8123456789012.3457, 4)).toBe(81234567890123460n);
    expect(viaSplit(1e15 + 0.125, 4)).toBe(10000000000000001000n); // text 1000000000000000.1
  });

  it('rounds a fifth fraction digit half-even, on the whole value', () => {
    // Texts with 5 fraction digits (below 2^39 the interval may hold no 4-digit decimal).
    expect(String(312949953421.12555)).toBe('312949953421.12555');
    expect(viaSplit(312949953421.12555, 4)).toBe(3129499534211256n);
    expect(String(312949953421.65125)).toBe('312949953421.65125');
    expect(viaSplit(312949953421.65125, 4)).toBe(3129499534216512n);
    expect(String(312949953421.87585)).toBe('312949953421.87585');
    expect(viaSplit(312949953421.87585, 4)).toBe(3129499534218758n);
    // X's fraction exactly a half between two candidates: the text has the even last digit.
    expect(String(1096935962533.15625)).toBe('1096935962533.1562');
    expect(viaSplit(1096935962533.15625, 4)).toBe(10969359625331562n);
    expect(String(1096935962533.46875)).toBe('1096935962533.4688');
    expect(viaSplit(1096935962533.46875, 4)).toBe(10969359625334688n);
    // Scale 0: the parity is the integer part's.
    expect(String(1148989359896155.5)).toBe('1148989359896155.5');
    expect(viaSplit(1148989359896155.5, 0)).toBe(1148989359896156n);
    expect(viaSplit(1148989359896154.5, 0)).toBe(1148989359896154n);
  });

  it('refuses what it cannot decide cheaply', () => {
    expect(splitUnscaled(2 ** 40, 4)).toBe(false); // a power of two: lopsided interval
    expect(splitUnscaled(2 ** 53 + 2, 4)).toBe(false); // beyond 2^53
    expect(splitUnscaled(123.456, 4)).toBe(false); // the product rule's range (interval too narrow)
    expect(splitUnscaled(812345678901.2345, 9)).toBe(false); // scale > 8
  });

  it('equals the text path wherever it answers, and answers for nearly all of the band', () => {
    let answered = 0, asked = 0;
    fc.assert(
      fc.property(fc.oneof(band, decimals, ties, dyadic), ([v, s]) => {
        const got = viaSplit(v, s);
        asked++;
        if (got === undefined) return;
        answered++;
        expect(got, `${v} at scale ${s}`).toBe(viaText(v, s));
      }),
      { numRuns: 20_000 },
    );
    // Values below ~2^50 scaled are the product rule's, refused here; the rest are answered.
    expect(answered / asked).toBeGreaterThan(0.6);
  });

  it('answers every market value of the bench band (8e11 at scale 4) but powers of two', () => {
    fc.assert(
      fc.property(fc.double({ min: 2 ** 38, max: 2 ** 44, noNaN: true }), (v) => {
        const a = Number(v.toFixed(4));
        if (Math.log2(a) % 1 === 0) return;
        expect(splitUnscaled(a, 4), String(a)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('toUnscaledFast and FLBA columns equal toUnscaled for every double', () => {
  const any = signed(fc.oneof(band, decimals, ties, dyadic));

  it('toUnscaledFast: same value (a number when safe), same refusal', () => {
    fc.assert(
      fc.property(any, fc.constantFrom(38, 24, 19, 18, 16), ([v, s], p) => {
        let want: bigint | string;
        try {
          want = toUnscaled(v, p, s, 'c');
        } catch (e) {
          want = (e as Error).message;
        }
        if (typeof want === 'string') {
          expect(() => toUnscaledFast(v, p, s, 'c')).toThrow(want);
          return;
        }
        const got = toUnscaledFast(v, p, s, 'c');
        expect(typeof got).toBe(want >= -(2n ** 53n) + 1n && want <= 2n ** 53n - 1n ? 'number' : 'bigint');
        expect(BigInt(got)).toBe(want);
      }),
      { numRuns: 20_000 },
    );
  });

  it('decimal(24,4) and decimal(38,s) columns: bytes and statistics of the exact values', () => {
    fc.assert(
      fc.property(fc.array(any, { minLength: 1, maxLength: 40 }), fc.constantFrom(24, 38), (pairs, p) => {
        const s = p === 24 ? 4 : pairs[0][1];
        const vs = pairs.map(([v]) => v).filter((v) => Math.abs(v) < 10 ** (p - s) / 2);
        if (!vs.length) return;
        const col = buildColumn({ name: 'c', prim: { kind: 'decimal', precision: p, scale: s }, nullable: false }, vs, { lo: 0, hi: vs.length });
        const w = col.typeLength!;
        const want = vs.map((v) => toUnscaled(v, p, s, 'c'));
        const bytes = col.values as Uint8Array;
        want.forEach((u, i) => expect(readBigEndian(bytes.subarray(i * w, (i + 1) * w)), `${vs[i]}`).toBe(u));
        expect(BigInt(col.min as number | bigint)).toBe(want.reduce((a, b) => (b < a ? b : a)));
        expect(BigInt(col.max as number | bigint)).toBe(want.reduce((a, b) => (b > a ? b : a)));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a value too wide for the column, naming it', () => {
    const spec = { name: 'mv', prim: { kind: 'decimal' as const, precision: 19, scale: 4 }, nullable: false };
    // 9007199254740990 at scale 4 has 20 digits; its zeros among the first nine digits count.
    expect(() => buildColumn(spec, [9007199254740990, 1], { lo: 0, hi: 2 })).toThrow(/column 'mv': number 9007199254740990 does not fit decimal\(19,4\)/);
    expect(() => buildColumn(spec, [-4384492797076939.5, 1], { lo: 0, hi: 2 })).toThrow(/number -4384492797076939.5 does not fit/);
  });
});

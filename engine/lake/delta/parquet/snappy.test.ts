import fc from 'fast-check';
import { snappyUncompress } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { snappyCompress } from './snappy.ts';

const roundTrip = (input: Uint8Array) => {
  const packed = snappyCompress(input);
  const out = new Uint8Array(input.length);
  snappyUncompress(packed, out);
  return { packed, out };
};

describe('snappyCompress', () => {
  it('round-trips through an independent decompressor (random, repetitive, long inputs)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (input) => {
      expect(roundTrip(input).out).toEqual(input);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.array(fc.constantFrom(0, 1, 2, 255), { maxLength: 5000 }), (xs) => {
      const input = Uint8Array.from(xs);
      expect(roundTrip(input).out).toEqual(input);
    }), { numRuns: 200 });
    const big = new Uint8Array(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251 < 200 ? i % 17 : (i * 31) & 255;
    const { packed, out } = roundTrip(big);
    expect(out).toEqual(big);
    expect(packed.length).toBeLessThan(big.length);
  });

  it('compresses zeros to a small fraction and handles empty input', () => {
    expect(roundTrip(new Uint8Array(0)).packed).toEqual(new Uint8Array([0]));
    const { packed } = roundTrip(new Uint8Array(100_000));
    expect(packed.length).toBeLessThan(5000);
  });
});

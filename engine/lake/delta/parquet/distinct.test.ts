import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildColumn } from './columns.ts';
import { distinctRange, provablyDistinct } from './distinct.ts';

/** A day's symbols as they come: a sorted run of SH codes, then one of SZ codes. */
const symbols = (n: number) => [
  ...Array.from({ length: n / 2 }, (_, s) => `${600000 + s}.SH`),
  ...Array.from({ length: n / 2 }, (_, s) => `${String(s).padStart(6, '0')}.SZ`),
];

/** Sorted runs of strings drawn from a small alphabet (so runs overlap and repeat), nulls between. */
const runs = fc
  .array(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'z', 'é', '\ud83d\ude00', '\ue000'), maxLength: 4 }), { maxLength: 12 }), {
    minLength: 1,
    maxLength: 20,
  })
  .chain((rs) =>
    fc.tuple(fc.constant(rs.flatMap((r) => [...new Set(r)].sort())), fc.array(fc.nat(), { maxLength: 6 })).map(([vals, holes]) => {
      const out: (string | null)[] = [...vals];
      for (const h of holes) if (out.length) out[h % out.length] = null;
      return out;
    }),
  );

/** Slices of one sorted list of distinct strings in shuffled order (disjoint runs), sometimes a repeat. */
const slices = fc
  .tuple(
    fc.uniqueArray(fc.string({ unit: fc.constantFrom('0', '6', 'S', 'Z', 'é', '\ud83d\ude00', '\ue000'), minLength: 1, maxLength: 5 }), { minLength: 16, maxLength: 60 }),
    fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
    fc.option(fc.tuple(fc.nat(), fc.nat())),
  )
  .map(([words, cuts, repeat]) => {
    const sorted = [...words].sort();
    const bounds = [...new Set([0, ...cuts.map((c) => c % sorted.length), sorted.length])].sort((a, b) => a - b);
    const parts = bounds.slice(1).map((b, i) => sorted.slice(bounds[i], b));
    const vals: (string | null)[] = parts.reverse().flat();
    if (repeat) vals[repeat[0] % vals.length] = vals[repeat[1] % vals.length];
    return vals;
  });
const both = fc.oneof(runs, slices);

describe('provablyDistinct', () => {
  it('proves a day of symbols distinct and gives its range', () => {
    const s = symbols(5000);
    expect(provablyDistinct(s, undefined, 0, 5000, 2501)).toBe(true);
    expect(distinctRange).toEqual({ min: '000000.SZ', max: '602499.SH' });
    expect(provablyDistinct(s, undefined, 0, 5000, 5001)).toBe(false); // only 5000 values
    const dup = [...s];
    dup[4000] = '600001.SH'; // one repeat across the runs: overlapping ranges, unknown
    expect(provablyDistinct(dup, undefined, 0, 5000, 2501)).toBe(false);
    expect(provablyDistinct(['b', 'a', 'b'], undefined, 0, 3, 1)).toBe(false);
    expect(provablyDistinct(['a', 1, 'b'], undefined, 0, 3, 1)).toBe(false); // the caller reports it
  });

  it('is never wrong: true means that many distinct values, with their min and max', () => {
    fc.assert(
      fc.property(both, fc.nat({ max: 60 }), (vals, need) => {
        if (!provablyDistinct(vals, undefined, 0, vals.length, need)) return;
        const present = vals.filter((v): v is string => v !== null);
        expect(new Set(present).size).toBe(present.length);
        expect(present.length).toBeGreaterThanOrEqual(need);
        expect(distinctRange.min).toBe(present.reduce((a, b) => (b < a ? b : a)));
        expect(distinctRange.max).toBe(present.reduce((a, b) => (b > a ? b : a)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('string columns with the proof', () => {
  /** The dictionary rule stated directly: first-seen entries while at most n/2 distinct. */
  function expected(vals: readonly (string | null)[]) {
    const present = vals.filter((v): v is string => v !== null);
    const entries = [...new Set(present)];
    const dict = vals.length >= 16 && entries.length <= vals.length >> 1;
    const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    const sorted = [...entries].sort(utf8);
    return { dict, entries, min: sorted[0], max: sorted[sorted.length - 1] };
  }

  it('equals the dictionary rule and UTF-8 min/max for sorted runs, repeats and nulls', () => {
    let proven = 0;
    fc.assert(
      fc.property(both, (vals) => {
        if (vals.length >= 16 && provablyDistinct(vals, undefined, 0, vals.length, (vals.length >> 1) + 1)) proven++;
        const col = buildColumn({ name: 's', prim: { kind: 'string' }, nullable: true }, vals, { lo: 0, hi: vals.length });
        const want = expected(vals);
        expect(col.values).toEqual(vals.filter((v) => v !== null));
        expect(col.dict?.entries ?? null).toEqual(want.dict ? want.entries : null);
        if (want.min === undefined) {
          expect(col.min).toBeUndefined();
          return;
        }
        expect(Buffer.from(col.min as Uint8Array).toString()).toBe(want.min);
        expect(Buffer.from(col.max as Uint8Array).toString()).toBe(want.max);
      }),
      { numRuns: 3000 },
    );
    expect(proven).toBeGreaterThan(100); // the skipped-dictionary path is exercised
  });

  it('writes a day of symbols without a dictionary, and keeps one when they repeat', () => {
    const s = symbols(64);
    const col = buildColumn({ name: 'symbol', prim: { kind: 'string' }, nullable: false }, s, { lo: 0, hi: 64 });
    expect(col.dict).toBeUndefined();
    expect(Buffer.from(col.min as Uint8Array).toString()).toBe('000000.SZ');
    expect(Buffer.from(col.max as Uint8Array).toString()).toBe('600031.SH');
    const twice = [...s.slice(0, 32), ...s.slice(0, 32)];
    expect(buildColumn({ name: 'symbol', prim: { kind: 'string' }, nullable: false }, twice, { lo: 0, hi: 64 }).dict?.size).toBe(32);
  });
});

import { describe, expect, it } from 'vitest';
import { compileNumberMask } from './masks.ts';
import { compileRules, type Rule } from './rules.ts';

// Values a Bronze column may hold; the mask sees non-numbers as NaN, as fusion gathers them.
const values: unknown[] = [
  null,
  undefined,
  Number.NaN,
  Infinity,
  -Infinity,
  '10',
  -1,
  -0,
  0,
  0.5,
  1,
  2,
  9,
  10,
  10.5,
  11,
  1e4,
  10000.5,
];
const comparands: unknown[] = [undefined, null, Number.NaN, Infinity, -1, 0, 1, 9, 10, 11];
const asNumbers = (xs: unknown[]) => Float64Array.from(xs, (v) => (typeof v === 'number' ? v : Number.NaN));

describe('compileNumberMask agrees with the scalar rules value by value', () => {
  it.each<[string, Rule[]]>([
    ['type only', []],
    ['min/max', [{ min: 0 }, { max: 10000 }]],
    ['gt/lt', [{ gt: 0 }, { lt: 11 }]],
    ['integer', [{ integer: true }]],
    ['enum', [{ enum: [0, 1, 10] }]],
    ['pattern', [{ pattern: '^\\d+$' }]],
    ['fields', [{ gte_field: 'low' }, { lte_field: 'high' }, { gt_field: 'low' }, { lt_field: 'high' }]],
    ['field missing for the source', [{ gte_field: 'nope' }]],
  ])('%s', (_name, rules) => {
    const check = compileRules('number', rules);
    const mask = compileNumberMask(rules);
    // Every (value, low, high) combination as one column each.
    const v: unknown[] = [];
    const low: unknown[] = [];
    const high: unknown[] = [];
    for (const a of values)
      for (const l of comparands)
        for (const h of comparands) {
          v.push(a);
          low.push(l);
          high.push(h);
        }
    const sib = { low: asNumbers(low), high: asNumbers(high) } as Record<string, Float64Array>;
    const m = mask(asNumbers(v), (f) => sib[f]);
    const expected = v.map((x, i) =>
      check(x, (f) => ({ low: low[i], high: high[i] })[f]) === undefined ? 1 : 0,
    );
    expect(Array.from(m)).toEqual(expected);
    expect(expected).toContain(1);
    expect(expected).toContain(0);
  });

  it('refuses unknown rules like the scalar compiler', () => {
    expect(() => compileNumberMask([{ nope: 1 } as unknown as Rule])).toThrow(/unknown validity rule "nope"/);
  });
});

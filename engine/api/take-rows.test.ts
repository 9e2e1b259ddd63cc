import { table } from 'arquero';
import { describe, expect, it } from 'vitest';
import { takeRows } from './batch.ts';

describe('takeRows', () => {
  it('gathers the rows in the given order, keeping typed columns typed and values as they are', () => {
    const t = table({
      x: Float64Array.from([1.5, 2.5, 3.5]),
      s: ['a', null, undefined],
      d: [new Date(0), null, 1],
    });
    const out = takeRows(t, [2, 0, 2]);
    expect(out.column('x')).toBeInstanceOf(Float64Array);
    expect(out.objects()).toEqual([
      { x: 3.5, s: undefined, d: 1 },
      { x: 1.5, s: 'a', d: new Date(0) },
      { x: 3.5, s: undefined, d: 1 },
    ]);
    expect(t.column('x')).toEqual(Float64Array.from([1.5, 2.5, 3.5])); // input untouched
    expect(takeRows(t, []).numRows()).toBe(0);
  });
});

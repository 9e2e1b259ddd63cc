import { describe, expect, it } from 'vitest';
import { numbers } from './numbers.ts';

describe('numbers', () => {
  it('reads values as num() does: missing (null, undefined, blank, text, non-finite) is NaN', () => {
    const out = numbers([1, '2.5', null, undefined, '', 'abc', 3n, Infinity, -0], 9);
    expect(Array.from(out)).toEqual([1, 2.5, NaN, NaN, NaN, NaN, 3, NaN, -0]);
    expect(Object.is(out[8], -0)).toBe(true);
  });

  it('returns a Float64Array column itself and reads an absent column as all missing', () => {
    const typed = Float64Array.of(1, NaN);
    expect(numbers(typed, 2)).toBe(typed);
    expect(Array.from(numbers(undefined, 2))).toEqual([NaN, NaN]);
  });
});

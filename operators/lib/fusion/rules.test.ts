import { describe, expect, it } from 'vitest';
import { compileRules, type Rule } from './rules.ts';

const none = () => undefined;

describe('compileRules', () => {
  it('rejects missing, non-numeric and non-finite values before any rule', () => {
    const check = compileRules('number', []);
    expect(check(undefined, none)).toBe('missing');
    expect(check(null, none)).toBe('missing');
    expect(check('10', none)).toMatch(/not a number/);
    expect(check(Number.NaN, none)).toMatch(/not finite/);
    expect(check(Infinity, none)).toMatch(/not finite/);
    expect(check(0, none)).toBeUndefined();
  });

  it('checks string fields', () => {
    const check = compileRules('string', [{ enum: ['买入', '增持'] }]);
    expect(check('', none)).toMatch(/non-empty/);
    expect(check('买入', none)).toBeUndefined();
    expect(check('卖出', none)).toMatch(/not one of/);
  });

  it.each<[Rule, number, boolean]>([
    [{ min: 0 }, 0, true],
    [{ min: 0 }, -0.01, false],
    [{ max: 10000 }, 10000, true],
    [{ max: 10000 }, 10000.5, false],
    [{ gt: 0 }, 0.0001, true],
    [{ gt: 0 }, 0, false],
    [{ lt: 1 }, 0.99, true],
    [{ lt: 1 }, 1, false],
    [{ integer: true }, 100, true],
    [{ integer: true }, 100.5, false],
    [{ enum: [1, 2] }, 2, true],
    [{ enum: [1, 2] }, 3, false],
    [{ pattern: '^\\d+$' }, 123, true],
    [{ pattern: '^\\d+$' }, 1.5, false],
  ])('%j on %s → valid %s', (rule, value, valid) => {
    expect(compileRules('number', [rule])(value, none) === undefined).toBe(valid);
  });

  it('compares with sibling fields of the same row, ignoring a missing comparand', () => {
    const row: Record<string, unknown> = { low: 9, high: 11 };
    const other = (f: string) => row[f];
    expect(compileRules('number', [{ gte_field: 'low' }])(10, other)).toBeUndefined();
    expect(compileRules('number', [{ gte_field: 'low' }])(8, other)).toBe('8 < low (9)');
    expect(compileRules('number', [{ lte_field: 'high' }])(12, other)).toBe('12 > high (11)');
    expect(compileRules('number', [{ gt_field: 'low' }])(9, other)).toMatch(/≤ low/);
    expect(compileRules('number', [{ lt_field: 'high' }])(11, other)).toMatch(/≥ high/);
    expect(compileRules('number', [{ gte_field: 'open' }])(1, other)).toBeUndefined();
  });

  it('reports the first failing rule and refuses unknown rules', () => {
    expect(compileRules('number', [{ gt: 0 }, { max: 5 }])(-1, none)).toBe('-1 ≤ 0');
    expect(() => compileRules('number', [{ nope: 1 } as unknown as Rule])).toThrow(
      /unknown validity rule "nope"/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionError } from './compile.ts';

describe('compileExpression', () => {
  const rec = { open: 10, high: 11, low: 9, close: 10.5, sym: '600519.SH', nested: { x: 2 }, none: null };

  it('evaluates arithmetic with precedence, comparisons and logic', () => {
    expect(compileExpression('1 + 2 * 3')(rec)).toBe(7);
    expect(compileExpression('(1 + 2) * 3')(rec)).toBe(9);
    expect(compileExpression('high >= max(open, close, low) && low <= min(open, close)')(rec)).toBe(true);
    expect(compileExpression('!(close > 11) || false')(rec)).toBe(true);
    expect(compileExpression('-close + 0.5')(rec)).toBe(-10);
  });

  it('reads nested fields, nulls and calls functions', () => {
    expect(compileExpression('nested.x * 2')(rec)).toBe(4);
    expect(compileExpression('is_null(none) && is_null(missing)')(rec)).toBe(true);
    expect(compileExpression('matches(sym, "^6\\\\d{5}\\\\.SH$")')(rec)).toBe(true);
    expect(compileExpression('in(sym, "000001.SZ", "600519.SH") ? "yes" : "no"')(rec)).toBe('yes');
  });

  it('reports the column of a syntax error', () => {
    const at = (src: string) => {
      try {
        compileExpression(src);
      } catch (e) {
        return [(e as ExpressionError).col, (e as Error).message];
      }
      return undefined;
    };
    expect(at('close > ')).toEqual([8, 'unexpected end of expression']);
    expect(at('close >> 1')?.[0]).toBe(7);
    expect(at('clos(1)')).toEqual([0, expect.stringContaining('unknown function "clos"')]);
    expect(at('abs(1, 2)')?.[1]).toContain('takes 1 argument');
  });
});

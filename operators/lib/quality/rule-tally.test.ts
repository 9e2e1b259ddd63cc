import { describe, expect, it } from 'vitest';
import { RuleTally } from './rule-tally.ts';

describe('RuleTally', () => {
  it('orders rules by first failing row, then by registration order within a row', () => {
    const t = new RuleTally();
    const [a, b, c] = ['high_ge_max', 'pe_ttm_range', 'close_missing'].map((id) => t.slot(id));
    // Counted column by column: c first, but a row-by-row pass meets b (row 2) before a and c (row 5).
    t.hit(c, 5);
    t.hit(c, 9);
    t.hit(a, 5);
    t.hit(b, 2);
    expect(JSON.stringify(t.counts())).toBe('{"pe_ttm_range":1,"high_ge_max":1,"close_missing":2}');
  });

  it('merges slots that share an id, keeping its earliest position', () => {
    const t = new RuleTally();
    const [x, y] = [t.slot('dup'), t.slot('other')];
    const z = t.slot('dup');
    t.hit(y, 1);
    t.hit(z, 0);
    t.hit(x, 3);
    expect(JSON.stringify(t.counts())).toBe('{"dup":2,"other":1}');
  });
});

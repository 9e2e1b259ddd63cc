import { describe, expect, it } from 'vitest';
import { History } from './history.ts';

describe('History', () => {
  it('keeps days sorted, counts gaps in the symbol own days and never learns from NaN', () => {
    const h = new History(['close'], 10);
    h.upsert('A', '2024-01-04', [NaN]);
    h.upsert('A', '2024-01-02', [10]);
    h.upsert('A', '2024-01-03', [NaN]);
    expect(h.position('A', '2024-01-02')).toBe(0);
    expect(h.position('A', '2024-01-04')).toBe(2);
    expect(h.lastObserved('A', 0, '2024-01-03')).toEqual({ date: '2024-01-02', value: 10, gap: 1 });
    expect(h.lastObserved('A', 0, '2024-01-04')).toEqual({ date: '2024-01-02', value: 10, gap: 2 });
    // A day not recorded yet counts as the next day.
    expect(h.lastObserved('A', 0, '2024-01-05')?.gap).toBe(3);
    expect(h.lastObserved('B', 0, '2024-01-05')).toBeUndefined();
  });

  it('lets an observation win over a redelivered gap for the same day', () => {
    const h = new History(['close', 'volume'], 10);
    h.upsert('A', '2024-01-02', [10, 500]);
    h.upsert('A', '2024-01-02', [NaN, 600]);
    expect(h.valueOn('A', 0, '2024-01-02')).toBe(10);
    expect(h.valueOn('A', 1, '2024-01-02')).toBe(600);
  });

  it('is bounded: the oldest days are forgotten', () => {
    const h = new History(['close'], 3);
    for (let d = 1; d <= 5; d++) h.upsert('A', `2024-01-0${d}`, [d]);
    expect(h.position('A', '2024-01-02')).toBe(-1);
    expect(h.observedBefore('A', 0, '2024-01-09', 10)).toEqual({
      dates: ['2024-01-03', '2024-01-04', '2024-01-05'],
      values: [3, 4, 5],
      positions: [0, 1, 2],
    });
  });

  it('returns the n latest observations strictly before a day with their positions', () => {
    const h = new History(['close'], 10);
    ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].forEach((d, i) =>
      h.upsert('A', d, [i === 2 ? NaN : i + 1]),
    );
    expect(h.observedBefore('A', 0, '2024-01-05', 2)).toEqual({
      dates: ['2024-01-02', '2024-01-03'],
      values: [1, 2],
      positions: [0, 1],
    });
  });
});

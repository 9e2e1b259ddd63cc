import { describe, expect, it } from 'vitest';
import { nativeForecast, normalQuantile } from './native.ts';

const p = (model: 'drift' | 'linear' | 'seasonal_naive' | 'mean', window = 20, season = 5) => ({
  model,
  window,
  season,
});

describe('normalQuantile', () => {
  it('matches the standard normal table', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(() => normalQuantile(1)).toThrow(/p must be in/);
  });
});

describe('nativeForecast', () => {
  const line = { values: [1, 3, 5, 7], positions: [0, 1, 2, 3] };

  it('drift extends the average step; the interval widens with the horizon', () => {
    const f = nativeForecast(
      { values: [10, 11, 11.5, 13], positions: [0, 1, 2, 3] },
      [4, 6],
      p('drift'),
      0.8,
    );
    expect(f.yhat[0]).toBeCloseTo(14, 9);
    expect(f.yhat[1]).toBeCloseTo(16, 9);
    expect(f.upper[1] - f.lower[1]).toBeGreaterThan(f.upper[0] - f.lower[0]);
    expect(f.lower[0]).toBeLessThan(14);
  });

  it('linear recovers an exact line with a zero-width interval', () => {
    const f = nativeForecast(line, [5], p('linear'), 0.8);
    expect(f.yhat[0]).toBeCloseTo(11, 9);
    expect(f.upper[0] - f.lower[0]).toBeCloseTo(0, 9);
  });

  it('mean averages only the window', () => {
    const f = nativeForecast({ values: [100, 1, 2, 3], positions: [0, 1, 2, 3] }, [4], p('mean', 3), 0.8);
    expect(f.yhat[0]).toBeCloseTo(2, 9);
  });

  it('seasonal_naive takes the value one season back, skipping to earlier seasons over gaps', () => {
    const values = [1, 2, 3, 4, 5, 1.1, 2.1, 3.1];
    const positions = [0, 1, 2, 3, 4, 5, 6, 7];
    const f = nativeForecast({ values, positions }, [8, 12, 13], p('seasonal_naive', 20, 5), 0.8);
    expect(f.yhat[0]).toBe(4); // 8 - 5 = 3
    expect(f.yhat[1]).toBe(3.1); // 12 - 5 = 7
    expect(f.yhat[2]).toBe(4); // 13 - 5 = 8 is not observed, so 13 - 10 = 3
    expect(f.upper[2] - f.lower[2]).toBeGreaterThan(f.upper[0] - f.lower[0]);
  });

  it('refuses an empty history', () => {
    expect(() => nativeForecast({ values: [], positions: [] }, [1], p('drift'), 0.8)).toThrow(/at least one/);
  });
});

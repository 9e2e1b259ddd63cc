import { describe, expect, it } from 'vitest';
import type { Rec } from '../../../engine/api/index.ts';
import { NativeForecaster } from './forecast.ts';
import { Imputer, type Imputation } from './imputer.ts';
import { resolvePolicy, type ImputePolicySpec } from './policy.ts';

const spec = (over: Partial<ImputePolicySpec> = {}): ImputePolicySpec => ({
  min_history: 5,
  max_gap: 2,
  interval_width: 0.8,
  fit_window: 20,
  native: { model: 'drift', window: 10 },
  fields: [
    { name: 'open', key: true, methods: ['native', 'ffill'], transform: 'log', round: 2 },
    { name: 'high', key: true, methods: ['native', 'ffill'], transform: 'log', round: 2 },
    { name: 'low', key: true, methods: ['native', 'ffill'], transform: 'log', round: 2 },
    { name: 'close', key: true, methods: ['native', 'ffill'], transform: 'log', round: 2 },
    { name: 'pe_ttm', methods: ['ffill', 'industry_mean'], round: 4 },
  ],
  penalties: {
    native: { completeness: 10, accuracy: 15 },
    ffill: { completeness: 10, accuracy: 15 },
    industry_mean: { completeness: 10, accuracy: 25 },
    key_multiplier: 2,
    max: { completeness: 100, accuracy: 30 },
  },
  kline: { open: 'open', high: 'high', low: 'low', close: 'close' },
  industry: { min_peers: 2 },
  ...over,
});

const day = (i: number) => new Date(Date.UTC(2024, 0, 2 + i)).toISOString().slice(0, 10);
function bar(symbol: string, i: number, close: number, extra: Rec = {}): Rec {
  const r: Rec = {
    symbol,
    trade_date: day(i),
    open: close - 0.1,
    high: close + 0.3,
    low: close - 0.3,
    close,
    pe_ttm: 20 + i,
    ...extra,
  };
  for (const f of ['open', 'high', 'low', 'close', 'pe_ttm'])
    r[`${f}_source`] = r[f] === null ? null : 'Tushare';
  return r;
}
const gap = (r: Rec, ...fields: string[]) => {
  for (const f of fields) [r[f], r[`${f}_source`]] = [null, null];
  return r;
};
const how = (r: Rec, f: string) => (r.imputation as Record<string, Imputation>)[f];

async function warm(imp: Imputer, symbols: string[], days: number) {
  // A rising series with a wiggle (so the step spread, hence the interval, is not zero).
  for (let i = 0; i < days; i++)
    await imp.process(symbols.map((s, k) => bar(s, i, 10 + k + i * 0.1 + (i % 2) * 0.2)));
}

describe('Imputer', () => {
  it('forecasts a key field with the native model, flags it and records the interval', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    await warm(imp, ['A'], 10);
    const { rows, days } = await imp.process([gap(bar('A', 10, 11), 'close')]);
    const r = rows[0];
    // Drift in log space over the 10-day window: 11.1 × (11.1 / 10)^(1/9), rounded to cents.
    expect(r.close).toBe(11.23);
    expect(r.close_source).toBe('Imputed_ML');
    expect(r.imputed_fields).toEqual(['close']);
    const h = how(r, 'close');
    expect(h).toMatchObject({
      method: 'native',
      model: 'native_drift',
      source: 'Imputed_ML',
      interval_width: 0.8,
      history: 10,
      gap: 1,
    });
    expect(h.lower!).toBeLessThanOrEqual(r.close as number);
    expect(h.upper!).toBeGreaterThanOrEqual(r.close as number);
    expect(r.impute_penalty).toEqual({ completeness: 20, accuracy: 30 });
    expect(days[0].before.key_missing_max).toBe(1);
    expect(days[0].after.key_missing_max).toBe(0);
    expect(days[0].imputed).toEqual({ native: 1 });
  });

  it('falls to the next method when a model lacks history, and to nothing past max_gap', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    await warm(imp, ['A'], 3); // 3 < min_history 5
    const first = await imp.process([gap(bar('A', 3, 10.3), 'close')]);
    expect(how(first.rows[0], 'close')).toMatchObject({
      method: 'ffill',
      from: day(2),
      source: 'Imputed_Static',
    });
    expect(first.rows[0].close).toBe(10.2);
    await imp.process([gap(bar('A', 4, 10.4), 'close')]); // gap 2 = max_gap: still filled
    const third = await imp.process([gap(bar('A', 5, 10.5), 'close')]); // gap 3 > max_gap
    expect(third.rows[0].close).toBeNull();
    expect(third.rows[0].impute_unfilled).toEqual([
      {
        field: 'close',
        reason: expect.stringMatching(
          /native: .*gap of 3 days exceeds max_gap 2.*ffill: gap of 3 days exceeds max_gap 2/,
        ),
      },
    ]);
    expect(third.days[0].after.key_missing_max).toBe(1);
    expect(third.days[0].unfilled).toBe(1);
  });

  it('takes the industry mean of peers observed that day when nothing can be carried forward', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    for (const [s, ind] of [
      ['A', 'bank'],
      ['B', 'bank'],
      ['C', 'bank'],
      ['D', 'liquor'],
    ])
      imp.setIndustry(s, ind);
    const { rows } = await imp.process([
      gap(bar('A', 0, 10), 'pe_ttm'),
      bar('B', 0, 10, { pe_ttm: 6 }),
      bar('C', 0, 10, { pe_ttm: 8 }),
      bar('D', 0, 10, { pe_ttm: 30 }),
    ]);
    expect(rows[0].pe_ttm).toBe(7);
    expect(rows[0].pe_ttm_source).toBe('Imputed_Static');
    expect(how(rows[0], 'pe_ttm')).toMatchObject({ method: 'industry_mean', industry: 'bank', peers: 2 });
    expect(rows[0].impute_penalty).toEqual({ completeness: 10, accuracy: 25 });

    const alone = await imp.process([
      gap(bar('D', 1, 10), 'pe_ttm', 'close'),
      gap(bar('E', 1, 10), 'pe_ttm'),
    ]);
    // D carries its own pe_ttm forward; E has no industry and no history.
    expect(alone.rows[0].pe_ttm).toBe(30);
    expect(alone.rows[1].impute_unfilled).toEqual([
      { field: 'pe_ttm', reason: expect.stringContaining('industry unknown') },
    ]);
  });

  it('leaves a nullable field that a source reported as null alone', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    await warm(imp, ['A'], 2);
    const r = bar('A', 2, 10, { pe_ttm: null });
    r.pe_ttm_source = 'Tushare'; // loss-maker: Tushare says null
    const { rows, days } = await imp.process([r]);
    expect(rows[0].pe_ttm).toBeNull();
    expect(rows[0].imputed_fields).toEqual([]);
    expect(days[0].before.total_missing_rate).toBe(0);
  });

  it('keeps the K-line logic: an imputed high never sits below the observed open and close', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    await warm(imp, ['A'], 10);
    // The day jumps: observed open/close far above the history's level; high is missing.
    const { rows } = await imp.process([gap(bar('A', 10, 13), 'high')]);
    expect(rows[0].high).toBe(13);
    expect(how(rows[0], 'high').clamped).toBe(true);
  });

  it('caps the penalty at the policy maximum', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    await warm(imp, ['A'], 10);
    const { rows } = await imp.process([gap(bar('A', 10, 11), 'open', 'high', 'low', 'close')]);
    expect(rows[0].imputed_fields).toEqual(['open', 'high', 'low', 'close']);
    expect(rows[0].impute_penalty).toEqual({ completeness: 80, accuracy: 30 });
  });

  it('sends one series per symbol, field and gap, forecasting every day of a multi-day gap', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    await warm(imp, ['A', 'B'], 10);
    const batch = [
      gap(bar('A', 10, 11), 'close'),
      gap(bar('A', 11, 11.1), 'close'),
      bar('B', 10, 12),
      bar('B', 11, 12.1),
    ];
    const { rows, days } = await imp.process(batch);
    expect(days.map((d) => d.trade_date)).toEqual([day(10), day(11)]);
    expect(how(rows[0], 'close').gap).toBe(1);
    expect(how(rows[1], 'close').gap).toBe(2);
    expect(rows[1].close as number).toBeGreaterThan(rows[0].close as number); // the drift goes on
    expect(how(rows[1], 'close').upper! - how(rows[1], 'close').lower!).toBeGreaterThan(
      how(rows[0], 'close').upper! - how(rows[0], 'close').lower!,
    );
  });

  it('does not learn from values marked as imputed', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    imp.remember([bar('A', 0, 10), { ...bar('A', 1, 99), close_source: 'Imputed_ML' }]);
    const { rows } = await imp.process([gap(bar('A', 2, 10), 'close')]);
    expect(how(rows[0], 'close')).toMatchObject({ method: 'ffill', from: day(0), gap: 2 });
    expect(rows[0].close).toBe(10);
  });

  it('refuses rows without a symbol or date', async () => {
    const imp = new Imputer(resolvePolicy(spec()), new NativeForecaster());
    await expect(imp.process([{ close: 1 }])).rejects.toThrow(/symbol\/trade_date/);
  });
});

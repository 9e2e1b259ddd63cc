import { describe, expect, it } from 'vitest';
import type { Rec } from '../../engine/api/index.ts';
import { runTransform } from '../../engine/testing/drivers.ts';
import adjust from './adjust.ts';

const bar = (trade_date: string, over: Rec = {}): Rec => ({
  symbol: '000001.SZ',
  trade_date,
  open: 13,
  high: 13.2,
  low: 12.9,
  close: 13,
  pre_close: 13,
  adj_factor: null,
  adj_factor_source: null,
  ...over,
});

describe('adjust', () => {
  it('multiplies prices by the source factor and keeps the raw ones', async () => {
    const { out } = await runTransform(adjust, {}, [
      bar('2020-05-27', { adj_factor: 109.169, adj_factor_source: 'Tushare', volume: 100 }),
    ]);
    expect(out[0]).toMatchObject({
      close: 1419.197,
      close_raw: 13,
      high: 1441.0308,
      adj_factor: 109.169,
      adj_factor_source: 'Tushare',
      volume: 100,
    });
  });

  it('derives the factor at an ex-date from close(T−1)/pre_close(T) when no source has it', async () => {
    const { out } = await runTransform(adjust, {}, [
      [bar('2020-05-27', { adj_factor: 109.169 })],
      [bar('2020-05-28', { pre_close: 12.78, close: 12.9 })],
      [bar('2020-05-29', { pre_close: 12.9 })],
    ]);
    expect(out.map((r) => [r.adj_factor, r.adj_factor_source])).toEqual([
      [109.169, null],
      [111.048, 'System_Calculated'],
      [111.048, 'System_Calculated'],
    ]);
    expect(out[1].close).toBe(1432.5192);
  });

  it('carries the previous factor when there is no pre_close either (Imputed_Static)', async () => {
    const { out } = await runTransform(adjust, {}, [
      [bar('2020-05-27', { adj_factor: 109.169 })],
      [bar('2020-05-28', { pre_close: null })],
    ]);
    expect(out[1]).toMatchObject({
      adj_factor: 109.169,
      adj_factor_source: 'Imputed_Static',
      pre_close: null,
      pre_close_raw: null,
    });
  });

  it('prefers a source factor over derivation, and continues from it', async () => {
    const { out } = await runTransform(adjust, {}, [
      [bar('2020-05-27', { adj_factor: 109.169 })],
      [bar('2020-05-28', { pre_close: 12.78, adj_factor: 111.05 })],
      [bar('2020-05-29')],
    ]);
    expect(out.map((r) => r.adj_factor)).toEqual([109.169, 111.05, 111.05]);
  });

  it('sorts a batch per symbol and date before deriving', async () => {
    const { out } = await runTransform(adjust, {}, [
      bar('2020-05-28', { pre_close: 12.78 }),
      bar('2020-05-27', { adj_factor: 109.169 }),
    ]);
    expect(out.map((r) => [r.trade_date, r.adj_factor])).toEqual([
      ['2020-05-27', 109.169],
      ['2020-05-28', 111.048],
    ]);
  });

  it('re-running an earlier day derives from the day before it, not from later state', async () => {
    const { out } = await runTransform(adjust, {}, [
      [bar('2020-05-27', { adj_factor: 109.169 })],
      [bar('2020-05-28', { pre_close: 12.78 })],
      [bar('2020-05-28', { pre_close: 12.78 })],
    ]);
    expect(out.map((r) => r.adj_factor)).toEqual([109.169, 111.048, 111.048]);
  });

  it('sends a row with no factor and no history to error, unless an initial factor is configured', async () => {
    const first = await runTransform(adjust, {}, [bar('2020-05-27')]);
    expect(first.out).toBeUndefined();
    expect(first.error[0].reason).toMatch(
      /000001.SZ 2020-05-27 has no valid adj_factor from any source and no previous day/,
    );
    const seeded = await runTransform(adjust, { initial_factor: 1 }, [bar('2020-05-27')]);
    expect(seeded.out[0]).toMatchObject({ adj_factor: 1, adj_factor_source: 'System_Calculated', close: 13 });
  });

  it('ignores invalid source factors (0, negative, NaN)', async () => {
    for (const bad of [0, -1, Number.NaN]) {
      const { out } = await runTransform(adjust, {}, [
        [bar('2020-05-27', { adj_factor: 109.169 })],
        [bar('2020-05-28', { adj_factor: bad })],
      ]);
      expect(out[1].adj_factor).toBe(109.169);
    }
  });
});

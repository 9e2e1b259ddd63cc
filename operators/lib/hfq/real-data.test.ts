/**
 * hfq on real data: Tushare `daily` for ten A-shares 2020–2024 (the copy in sim/data).
 * - Derived factors step exactly at the real ex-dates and reproduce a known real Tushare adj_factor.
 * - Adjusted prices round to the cent exactly as pro_bar does: Python itself is the oracle, running
 *   pro_bar's own formula `float('%.2f' % (price * adj_factor))` on the same doubles.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Rec } from '../../../engine/api/index.ts';
import { runTransform } from '../../../engine/testing/drivers.ts';
import adjust from '../../transforms/adjust.ts';
import { roundHalfEven } from './round.ts';
import { readRealDaily, realSymbols } from './real-data.ts';

/** Adjusts a symbol's history with only the first factor given; every later factor is derived. */
async function adjustHistory(
  symbol: string,
  anchor?: { date: string; factor: number },
): Promise<{ raw: Rec[]; adjusted: Rec[] }> {
  let raw: Rec[] = readRealDaily(symbol).map((r) => ({ ...r, adj_factor: null }));
  if (anchor) {
    raw = raw.filter((r) => (r.trade_date as string) >= anchor.date);
    raw[0] = { ...raw[0], adj_factor: anchor.factor };
  }
  const out = await runTransform(
    adjust,
    anchor ? {} : { initial_factor: 1 },
    raw.map((r) => [r]),
  );
  expect(out.error ?? []).toEqual([]);
  return { raw, adjusted: out.out };
}

function steps(rows: Rec[]): string[] {
  return rows
    .filter((r, i) => i > 0 && r.adj_factor !== rows[i - 1].adj_factor)
    .map((r) => r.trade_date as string);
}

describe('derived adj_factor on real data', () => {
  it('reproduces the real 000001.SZ factor 111.048 on 2020-05-29 from 109.169 on 2020-01-06', async () => {
    const { adjusted } = await adjustHistory('000001.SZ', { date: '2020-01-06', factor: 109.169 });
    const on = (d: string) => adjusted.find((r) => r.trade_date === d)!;
    expect(on('2020-01-06')).toMatchObject({ adj_factor: 109.169 });
    expect(on('2020-05-27').adj_factor).toBe(109.169);
    expect(on('2020-05-29')).toMatchObject({ adj_factor: 111.048, adj_factor_source: 'System_Calculated' });
    // The public ex-dividend dates of 平安银行 2020–2024, and nothing else.
    expect(steps(adjusted)).toEqual([
      '2020-05-28',
      '2021-05-14',
      '2022-07-22',
      '2023-06-14',
      '2024-06-14',
      '2024-10-10',
    ]);
    const d = on('2024-06-14');
    expect(d.adj_factor).toBe(Number((((on('2024-06-13').adj_factor as number) * 10.8) / 10.08).toFixed(3)));
  });

  it('steps 600276.SH at its 2020-05-25 ex-rights date (10送2 bonus shares)', async () => {
    const { adjusted } = await adjustHistory('600276.SH');
    const s = steps(adjusted);
    expect(s[0]).toBe('2020-05-25');
    const before = adjusted.find((r) => r.trade_date === '2020-05-22')!;
    const after = adjusted.find((r) => r.trade_date === '2020-05-25')!;
    expect(after.adj_factor).toBe(roundHalfEven(((before.adj_factor as number) * 95.88) / 79.71, 3));
    expect(after.adj_factor as number).toBeCloseTo(1.203, 3);
  });

  it('steps exactly where the exchange reference price differs from the previous close, for all ten stocks', async () => {
    for (const symbol of realSymbols()) {
      const { raw, adjusted } = await adjustHistory(symbol);
      const exDates = raw
        .filter((r, i) => i > 0 && r.pre_close !== raw[i - 1].close)
        .map((r) => r.trade_date);
      expect(exDates.length, symbol).toBeGreaterThanOrEqual(5);
      const stepped = steps(adjusted);
      // Never a step on an ordinary day; every ex-date steps unless the 3-decimal factor cannot show it
      // (BYD's 0.03% dividends on a factor near 1 move it by less than 0.0005).
      expect(
        stepped.filter((d) => !exDates.includes(d)),
        symbol,
      ).toEqual([]);
      const visible = raw.filter(
        (r, i) =>
          exDates.includes(r.trade_date) &&
          (adjusted[i - 1].adj_factor as number) *
            ((raw[i - 1].close as number) / (r.pre_close as number) - 1) >
            0.001,
      );
      expect(visible.length, symbol).toBeGreaterThanOrEqual(2);
      for (const r of visible) expect(stepped, `${symbol} ${r.trade_date}`).toContain(r.trade_date);
    }
  });
});

describe('hfq prices agree with pro_bar to the cent', () => {
  it('for every price of the ten stocks, against Python running pro_bar’s formula', async () => {
    const pairs: [number, number][] = [];
    const gold: number[] = [];
    for (const symbol of realSymbols()) {
      const { raw, adjusted } = await adjustHistory(
        symbol,
        symbol === '000001.SZ' ? { date: '2020-01-06', factor: 109.169 } : undefined,
      );
      raw.forEach((r, i) => {
        for (const p of ['open', 'high', 'low', 'close', 'pre_close']) {
          pairs.push([r[p] as number, adjusted[i].adj_factor as number]);
          gold.push(adjusted[i][p] as number);
          expect(adjusted[i][`${p}_raw`]).toBe(r[p]);
        }
      });
    }
    // pro_bar: data[col] = data[col] * data['adj_factor']; data[col].map(lambda x: '%.2f' % x).astype(float)
    const script =
      "import sys,json\npairs=json.load(sys.stdin)\nprint(json.dumps([float('%.2f' % (float(p) * float(f))) for p, f in pairs]))";
    const proBar = JSON.parse(
      execFileSync('python3', ['-c', script], {
        input: JSON.stringify(pairs.map(([p, f]) => [String(p), String(f)])),
        maxBuffer: 64 << 20,
      }).toString(),
    ) as number[];
    expect(proBar).toHaveLength(gold.length);
    expect(gold.length).toBeGreaterThan(60_000);
    const wrong = gold.flatMap((g, i) =>
      roundHalfEven(g, 2) === proBar[i] && Number(g.toFixed(2)) === proBar[i]
        ? []
        : [`${pairs[i]} → gold ${g}, pro_bar ${proBar[i]}`],
    );
    expect(wrong).toEqual([]);
    // Gold keeps 4 decimals: within 0.0001 of the exact product.
    const worst = Math.max(...gold.map((g, i) => Math.abs(g - pairs[i][0] * pairs[i][1])));
    expect(worst).toBeLessThanOrEqual(0.0001 + 1e-9);
  });
});

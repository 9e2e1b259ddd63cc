/** Assertions shared by the Bronze scenarios: the tables hold exactly the expected rows. */
import { expect } from 'vitest';
import type { Rec } from '../../engine/api/index.ts';
import type { Scenario } from './fixtures.ts';
import { readTable } from './harness.ts';

const key = (r: Rec, a: string, b = 'trade_date') => `${r[a]}|${r[b]}`;

export async function expectBronze(lakeRoot: string, expected: Scenario['expected']): Promise<void> {
  const daily = await readTable(lakeRoot, 'bronze/tushare_daily');
  expect(daily.length).toBe(expected.tushare_daily.size);
  expect(new Set(daily.map((r) => key(r, 'symbol'))).size).toBe(daily.length); // no duplicate keys
  for (const r of daily) {
    const want = expected.tushare_daily.get(key(r, 'symbol'));
    expect(want, `unexpected row ${key(r, 'symbol')}`).toBeDefined();
    expect({
      close: r.close,
      volume: r.volume,
      amount: r.amount,
      fetched_at: (r.fetched_at as Date).toISOString(),
    }).toEqual(want);
    expect(r).toMatchObject({ source: 'tushare', dataset: 'daily' });
    expect(r.event_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  }
  const qmt = await readTable(lakeRoot, 'bronze/qmt_hist_kline');
  expect(qmt.length).toBe(expected.qmt_hist_kline.size);
  for (const r of qmt)
    expect({ close: r.close, volume: r.volume, amount: r.amount }).toEqual(
      expected.qmt_hist_kline.get(key(r, 'symbol')),
    );
  const cal = await readTable(lakeRoot, 'bronze/tushare_trade_cal');
  expect(new Set(cal.map((r) => key(r, 'exchange')))).toEqual(expected.tushare_trade_cal);
  expect(cal.length).toBe(expected.tushare_trade_cal.size);

  const rejects = await readTable(lakeRoot, 'bronze/rejects');
  expect(rejects.length).toBe(expected.rejects.length);
  const reasons = rejects.map((r) => String(r.reason));
  for (const re of expected.rejects) {
    const i = reasons.findIndex((x) => re.test(x));
    expect(i, `no reject matching ${re} among ${JSON.stringify(reasons)}`).toBeGreaterThanOrEqual(0);
    reasons.splice(i, 1);
  }
}

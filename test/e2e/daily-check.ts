/**
 * What a normal simulated day must leave in the lake after `runDaily`, checked against the
 * simulator's own market (not against numbers written down here): one Gold row per symbol that
 * traded, close from miniQMT wherever Bronze holds a valid QMT bar and from Tushare elsewhere, a
 * green quality report, a published consistency verdict and nothing quarantined.
 */
import { expect } from 'vitest';
import { createLake } from '../../engine/lake/index.ts';
import type { DailyResult } from '../../engine/cli/commands/daily.ts';
import type { Market } from '../../sim/index.ts';

async function day(lakeRoot: string, table: string, date: string): Promise<Record<string, unknown>[]> {
  const t = createLake(lakeRoot).table(table);
  return (await t.exists()) ? t.read({ partitions: { trade_date: date } }) : [];
}

export async function expectNormalDay(r: DailyResult, market: Market): Promise<void> {
  const compact = r.date.replaceAll('-', '');
  const traded = market.instruments.map((i) => i.ts_code).filter((ts) => market.daily(ts, compact) !== null);
  expect(traded.length).toBeGreaterThan(0);

  const gold = await day(r.lakeRoot, 'gold/a_share_daily', r.date);
  expect(gold.map((g) => g.symbol).sort()).toEqual([...traded].sort());
  expect(r.summary.rows).toBe(traded.length);

  const qmt = await day(r.lakeRoot, 'bronze/qmt_hist_kline', r.date);
  const qmtValid = new Set(
    qmt.filter((q) => Number(q.close) > 0 && Number(q.suspend_flag ?? 0) !== 1).map((q) => q.symbol),
  );
  const expected: Record<string, number> = {};
  for (const g of gold) {
    const want = qmtValid.has(g.symbol) ? 'miniQMT' : 'Tushare';
    expect(g.close_source, `close_source of ${String(g.symbol)}`).toBe(want);
    expected[want] = (expected[want] ?? 0) + 1;
    // The Gold close is the raw close × the day's factor (hfq) — of the source named by the lineage.
    const raw =
      want === 'miniQMT'
        ? qmt.find((q) => q.symbol === g.symbol)!.close
        : market.daily(String(g.symbol), compact)!.close;
    expect(Number(g.close)).toBeCloseTo(Number(raw) * Number(g.adj_factor), 2);
  }
  expect(r.summary.closeSource).toEqual(expected);
  // Only Gold schema v1 columns: the gate's and impute's working fields were dropped by conform.
  for (const k of ['dq_consistent', 'imputed_fields', 'impute_penalty', 'imputation', 'close_qmt'])
    expect(Object.keys(gold[0])).not.toContain(k);

  const reports = await day(r.lakeRoot, 'quality/daily_report', r.date);
  expect(reports).toHaveLength(1);
  // Scored rows may include a suspended symbol that only has a factor (it is refused by conform, to
  // the dead-letter file); the symbols with a close are exactly those that traded.
  expect(Number(reports[0].collected_symbols)).toBe(traded.length);
  expect(Number(reports[0].composite)).toBeGreaterThanOrEqual(95);
  expect(reports[0].band).toBe('green');
  expect(r.summary).toMatchObject({ score: Number(reports[0].composite), band: 'green', quarantined: 0 });

  const verdicts = await day(r.lakeRoot, 'quality/consistency', r.date);
  expect(verdicts.map((v) => v.verdict)).toEqual(['published']);
  expect(await day(r.lakeRoot, 'quality/quarantine', r.date)).toEqual([]);
}

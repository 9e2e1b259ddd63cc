/** Bronze Delta tables built from the real data (ten stocks), for Gold pipeline tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Rec } from '../../engine/api/index.ts';
import type { LocalLake } from '../../engine/lake/index.ts';
import { readRealDaily, realSymbols } from '../../operators/lib/hfq/real-data.ts';

export const repo = new URL('../../', import.meta.url).pathname;
export const QMT_MISSING = ['600036.SH', '2024-06-12'];
export const QMT_INVALID = ['601318.SH', '2024-06-18'];
const fetched_at = new Date('2024-06-21T08:00:00Z');

async function bronzeTable(lake: LocalLake, name: string, rows: Rec[]): Promise<void> {
  const doc = parse(readFileSync(join(repo, 'schemas/bronze', `${name}.yaml`), 'utf8'));
  const t = await lake.ensure(doc);
  const cols = (doc.spec.columns as { name: string }[]).map((c) => c.name);
  await t.append(rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null]))));
}

/**
 * Both sources for [FROM, TO]: QMT missing one bar and invalid (high below close) for another;
 * Tushare adj_factor only on FROM (000001.SZ 123.456, others 1); a 000001.SZ dividend with ex-date
 * 2024-06-14; one broker rating for 600519.SH.
 */
export async function writeBronze(lake: LocalLake, FROM: string, TO: string): Promise<void> {
  const qmt: Rec[] = [];
  const daily: Rec[] = [];
  const factor: Rec[] = [];
  const basic: Rec[] = [];
  let n = 0;
  for (const symbol of realSymbols()) {
    for (const r of readRealDaily(symbol).filter((d) => d.trade_date >= FROM && d.trade_date <= TO)) {
      const meta = { fetched_at, event_id: `01J${String(n++).padStart(23, '0')}` };
      const bar = {
        ...r, // the real bar's fields (RealRow)
        symbol,
        ...meta,
      };
      daily.push({ ...bar, source: 'tushare', dataset: 'daily' });
      const key = [symbol, r.trade_date].join();
      if (key !== QMT_MISSING.join())
        qmt.push({
          ...bar,
          source: 'qmt',
          dataset: 'hist_kline',
          suspend_flag: 0,
          ...(key === QMT_INVALID.join() ? { high: r.close - 0.01 } : {}),
        });
      if (r.trade_date === FROM)
        factor.push({
          symbol,
          trade_date: r.trade_date,
          adj_factor: symbol === '000001.SZ' ? 123.456 : 1,
          source: 'tushare',
          dataset: 'adj_factor',
          ...meta,
        });
      basic.push({
        symbol,
        trade_date: r.trade_date,
        pe_ttm: 12.5,
        pb: 1.1,
        dv_ttm: 4.2,
        total_mv: r.close * 2e10,
        source: 'tushare',
        dataset: 'daily_basic',
        ...meta,
      });
    }
  }
  await bronzeTable(lake, 'qmt_hist_kline', qmt);
  await bronzeTable(lake, 'tushare_daily', daily);
  await bronzeTable(lake, 'tushare_adj_factor', factor);
  await bronzeTable(lake, 'tushare_daily_basic', basic);
  await bronzeTable(lake, 'tushare_dividend', [
    {
      symbol: '000001.SZ',
      trade_date: '2024-06-06',
      end_date: '2023-12-31',
      ann_date: '2024-06-06',
      div_proc: '实施',
      stk_div: 0,
      cash_div: 0.719,
      cash_div_tax: 0.719,
      record_date: '2024-06-13',
      ex_date: '2024-06-14',
      source: 'tushare',
      dataset: 'dividend',
      fetched_at,
      event_id: '01J0000000000000000000DIV1',
    },
  ]);
  // The instrument list impute reads industries from (one snapshot on FROM).
  await bronzeTable(
    lake,
    'tushare_stock_basic',
    realSymbols().map((symbol, i) => ({
      symbol,
      trade_date: FROM,
      name: symbol,
      industry: i % 2 ? '银行' : '食品饮料',
      list_status: 'L',
      source: 'tushare',
      dataset: 'stock_basic',
      fetched_at,
      event_id: `01J0000000000000000000SB${String(i).padStart(2, '0')}`,
    })),
  );
  await bronzeTable(lake, 'tushare_report_rc', [
    {
      symbol: '600519.SH',
      trade_date: '2024-06-03',
      org_name: '中信证券',
      rating: '买入',
      tp: 2000,
      source: 'tushare',
      dataset: 'report_rc',
      fetched_at,
      event_id: '01J0000000000000000000RC01',
    },
  ]);
}

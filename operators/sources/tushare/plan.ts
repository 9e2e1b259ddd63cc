/**
 * Which Tushare requests collect a dataset for a date range and symbol selection. Whole-market
 * requests by `trade_date` where the API allows it (daily, adj_factor, daily_basic; dividend by
 * `ex_date`); per symbol otherwise; reference data (stock_basic, trade_cal, report_rc) by range.
 *
 * @example
 * planRequests('daily', { days: ['20241231'], symbols: 'all', start: '20241231', end: '20241231' });
 * // [{ api: 'daily', symbol: null, params: { trade_date: '20241231' } }]
 */
import type { TushareParams } from './adapter.ts';

export const TUSHARE_DATASETS = [
  'daily',
  'adj_factor',
  'daily_basic',
  'dividend',
  'stock_basic',
  'trade_cal',
  'report_rc',
] as const;
export type TushareDataset = (typeof TUSHARE_DATASETS)[number];

export interface PlannedRequest {
  api: TushareDataset;
  symbol: string | null;
  params: TushareParams;
}

export interface PlanInput {
  /** Open days in range (needed for whole-market per-day requests). */
  days: readonly string[];
  symbols: 'all' | readonly string[];
  start: string;
  end: string;
}

const BY_DAY: Partial<Record<TushareDataset, string>> = {
  daily: 'trade_date',
  adj_factor: 'trade_date',
  daily_basic: 'trade_date',
  dividend: 'ex_date',
};

export function planRequests(api: TushareDataset, p: PlanInput): PlannedRequest[] {
  if (api === 'trade_cal')
    return [{ api, symbol: null, params: { exchange: 'SSE', start_date: p.start, end_date: p.end } }];
  if (api === 'stock_basic') {
    if (p.symbols !== 'all')
      return [{ api, symbol: null, params: { ts_code: p.symbols.join(','), list_status: 'L' } }];
    return ['L', 'D', 'P'].map((s) => ({ api, symbol: null, params: { list_status: s } }));
  }
  if (p.symbols === 'all') {
    if (api === 'report_rc')
      return [
        {
          api,
          symbol: null,
          params: p.start === p.end ? { report_date: p.start } : { start_date: p.start, end_date: p.end },
        },
      ];
    const key = BY_DAY[api]!;
    return p.days.map((d) => ({ api, symbol: null, params: { [key]: d } }));
  }
  if (api === 'dividend') return p.symbols.map((s) => ({ api, symbol: s, params: { ts_code: s } }));
  return p.symbols.map((s) => ({
    api,
    symbol: s,
    params: { ts_code: s, start_date: p.start, end_date: p.end },
  }));
}

/** Today's date in Asia/Shanghai as `YYYYMMDD` (the market's calendar day). */
export function shanghaiToday(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

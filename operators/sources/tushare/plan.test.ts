import { describe, expect, it } from 'vitest';
import { planRequests, shanghaiToday } from './plan.ts';

const all = { days: ['20241230', '20241231'], symbols: 'all' as const, start: '20241230', end: '20241231' };

describe('planRequests', () => {
  it('asks for the whole market by trade_date (dividend by ex_date) where the API allows it', () => {
    expect(planRequests('daily', all)).toEqual([
      { api: 'daily', symbol: null, params: { trade_date: '20241230' } },
      { api: 'daily', symbol: null, params: { trade_date: '20241231' } },
    ]);
    expect(planRequests('dividend', all).map((r) => r.params)).toEqual([
      { ex_date: '20241230' },
      { ex_date: '20241231' },
    ]);
  });

  it('reference data by range or status; per symbol when symbols are listed', () => {
    expect(planRequests('stock_basic', all).map((r) => r.params.list_status)).toEqual(['L', 'D', 'P']);
    expect(planRequests('trade_cal', all)).toEqual([
      {
        api: 'trade_cal',
        symbol: null,
        params: { exchange: 'SSE', start_date: '20241230', end_date: '20241231' },
      },
    ]);
    expect(planRequests('report_rc', { ...all, start: '20241231' })[0].params).toEqual({
      report_date: '20241231',
    });
    expect(planRequests('adj_factor', { ...all, symbols: ['600519.SH'] })).toEqual([
      {
        api: 'adj_factor',
        symbol: '600519.SH',
        params: { ts_code: '600519.SH', start_date: '20241230', end_date: '20241231' },
      },
    ]);
  });

  it('today is the Asia/Shanghai calendar day', () => {
    expect(shanghaiToday(Date.UTC(2024, 11, 31, 16, 30))).toBe('20250101');
    expect(shanghaiToday(Date.UTC(2024, 11, 31, 15, 59))).toBe('20241231');
  });
});

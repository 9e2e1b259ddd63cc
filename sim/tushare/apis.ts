/**
 * The Tushare Pro APIs the simulator serves: each has its full field list (Tushare's order), the
 * default fields, the per-call row cap and a row generator over the market. Rows come back newest
 * first, like Tushare.
 */
import { isDate, tradingCalendar } from '../dates.ts';
import type { Market, Row } from '../market.ts';
import { realTradingDays } from '../real.ts';

export type Params = Record<string, string | undefined>;

/** A Tushare error envelope to send (HTTP 200, `data: null`). */
export class TushareApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiDef {
  fields: readonly string[];
  /** Fields returned when the request names none (default: all of `fields`). */
  defaultFields?: readonly string[];
  cap: number;
  /** Minimum points for access (below → 40203 no permission). */
  minPoints?: number;
  rows(m: Market, p: Params): Row[];
}

function checkDates(p: Params, ...keys: string[]): void {
  for (const k of keys)
    if (p[k] !== undefined && !isDate(p[k]!))
      throw new TushareApiError(-2001, `参数错误：${k} 格式应为 YYYYMMDD，收到 ${p[k]}`);
}

const codes = (m: Market, p: Params) =>
  p.ts_code
    ? p.ts_code
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : m.instruments.map((i) => i.ts_code);

/** Per (day, code) generator for daily-like APIs: by trade_date (whole market) or code list + range. */
function perDay(get: (m: Market, ts: string, d: string) => Row | null) {
  return (m: Market, p: Params): Row[] => {
    checkDates(p, 'trade_date', 'start_date', 'end_date');
    if (!p.ts_code && !p.trade_date)
      throw new TushareApiError(-2001, '参数错误：ts_code 和 trade_date 至少输入一个');
    const days = p.trade_date ? [p.trade_date] : m.days(p.start_date ?? '19900101', p.end_date ?? '20991231');
    const list = codes(m, p);
    const out: Row[] = [];
    for (let i = days.length - 1; i >= 0; i--)
      for (const ts of list) {
        const r = get(m, ts, days[i]);
        if (r) out.push(r);
      }
    return out;
  };
}

export const APIS: Record<string, ApiDef> = {
  daily: {
    fields: [
      'ts_code',
      'trade_date',
      'open',
      'high',
      'low',
      'close',
      'pre_close',
      'change',
      'pct_chg',
      'vol',
      'amount',
    ],
    cap: 6000,
    rows: perDay((m, ts, d) => m.daily(ts, d)),
  },
  adj_factor: {
    fields: ['ts_code', 'trade_date', 'adj_factor'],
    cap: 6000,
    rows: perDay((m, ts, d) => m.adjFactor(ts, d)),
  },
  daily_basic: {
    fields: [
      'ts_code',
      'trade_date',
      'close',
      'turnover_rate',
      'turnover_rate_f',
      'volume_ratio',
      'pe',
      'pe_ttm',
      'pb',
      'ps',
      'ps_ttm',
      'dv_ratio',
      'dv_ttm',
      'total_share',
      'float_share',
      'free_share',
      'total_mv',
      'circ_mv',
    ],
    cap: 6000,
    minPoints: 2000,
    rows: perDay((m, ts, d) => m.dailyBasic(ts, d)),
  },
  dividend: {
    fields: [
      'ts_code',
      'end_date',
      'ann_date',
      'div_proc',
      'stk_div',
      'stk_bo_rate',
      'stk_co_rate',
      'cash_div',
      'cash_div_tax',
      'record_date',
      'ex_date',
      'pay_date',
      'div_listdate',
      'imp_ann_date',
    ],
    cap: 6000,
    minPoints: 2000,
    rows(m, p) {
      checkDates(p, 'ann_date', 'record_date', 'ex_date', 'imp_ann_date');
      if (!p.ts_code && !p.ann_date && !p.record_date && !p.ex_date && !p.imp_ann_date)
        throw new TushareApiError(
          -2001,
          '参数错误：ts_code, ann_date, record_date, ex_date, imp_ann_date 至少输入一个',
        );
      const out = codes(m, p).flatMap((ts) => m.dividends(ts, p.ex_date));
      const keys = ['ann_date', 'record_date', 'ex_date', 'imp_ann_date'] as const;
      return out
        .filter((r) => keys.every((k) => p[k] === undefined || r[k] === p[k]))
        .sort((a, b) => (String(a.ann_date) < String(b.ann_date) ? 1 : -1));
    },
  },
  stock_basic: {
    fields: [
      'ts_code',
      'symbol',
      'name',
      'area',
      'industry',
      'market',
      'exchange',
      'list_status',
      'list_date',
      'delist_date',
      'is_hs',
    ],
    defaultFields: ['ts_code', 'symbol', 'name', 'area', 'industry', 'market', 'list_date'],
    cap: 6000,
    rows(m, p) {
      const status = p.list_status ?? 'L';
      const wanted = p.ts_code ? new Set(codes(m, p)) : undefined;
      return m.instruments
        .filter(
          (i) =>
            i.list_status === status &&
            (!wanted || wanted.has(i.ts_code)) &&
            (!p.exchange || i.exchange === p.exchange) &&
            (!p.market || i.market === p.market) &&
            (!p.name || i.name === p.name),
        )
        .map((i) => m.stockBasic(i));
    },
  },
  trade_cal: {
    fields: ['exchange', 'cal_date', 'is_open', 'pretrade_date'],
    cap: 6000,
    rows(m, p) {
      checkDates(p, 'start_date', 'end_date');
      const start = p.start_date ?? m.from;
      const end = p.end_date ?? m.to;
      const exchange = p.exchange ?? 'SSE';
      const open = tradingCalendar(`${+start.slice(0, 4) - 1}${start.slice(4)}`, end, realTradingDays());
      const openSet = new Set(open);
      const out: Row[] = [];
      let prev: string | null = null;
      let j = 0;
      const days = allDays(start, end);
      for (const d of days) {
        while (j < open.length && open[j] < d) prev = open[j++];
        const isOpen = openSet.has(d) ? 1 : 0;
        if (p.is_open === undefined || String(isOpen) === p.is_open)
          out.push({ exchange, cal_date: d, is_open: isOpen, pretrade_date: prev });
      }
      return out.reverse();
    },
  },
  report_rc: {
    fields: [
      'ts_code',
      'name',
      'report_date',
      'report_title',
      'report_type',
      'org_name',
      'author_name',
      'quarter',
      'eps',
      'rating',
      'tp',
      'max_price',
      'min_price',
    ],
    cap: 3000,
    minPoints: 5000,
    rows(m, p) {
      checkDates(p, 'report_date', 'start_date', 'end_date');
      const lo = p.report_date ?? p.start_date ?? '00000000';
      const hi = p.report_date ?? p.end_date ?? '99999999';
      return codes(m, p)
        .flatMap((ts) => m.reports(ts))
        .filter((r) => String(r.report_date) >= lo && String(r.report_date) <= hi)
        .sort((a, b) =>
          String(a.report_date) < String(b.report_date)
            ? 1
            : String(a.report_date) > String(b.report_date)
              ? -1
              : 0,
        );
    },
  },
};

function allDays(start: string, end: string): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(+start.slice(0, 4), +start.slice(4, 6) - 1, +start.slice(6, 8)));
  const e = Date.UTC(+end.slice(0, 4), +end.slice(4, 6) - 1, +end.slice(6, 8));
  for (; d.getTime() <= e; d.setUTCDate(d.getUTCDate() + 1))
    out.push(d.toISOString().slice(0, 10).replaceAll('-', ''));
  return out;
}

/** Tushare's messages for the 40203 family and legacy codes. */
export const MESSAGES = {
  invalidToken: '您的token不对，请确认。',
  noPermission: '抱歉，您没有接口访问权限，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。',
  perMinute: (n: number) =>
    `抱歉，您每分钟最多访问该接口${n}次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。`,
  perDay: (n: number) =>
    `抱歉，您每天最多访问该接口${n}次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。`,
  internal: '系统内部错误',
  unknown: '未知错误',
  legacyNoPermission: '没有访问该接口的权限',
};

/** Points tier → calls per minute and daily cap per API (domain §1.2). */
export function tier(points: number): { perMinute: number; perDay: number } {
  if (points >= 5000) return { perMinute: 500, perDay: Infinity };
  if (points >= 2000) return { perMinute: 200, perDay: 100000 };
  return { perMinute: 50, perDay: 8000 };
}

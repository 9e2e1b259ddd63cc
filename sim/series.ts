/**
 * One instrument's daily path over the simulated calendar: raw prices (2-decimal ticks within the
 * board's price limits), volumes, suspensions, corporate actions and the adjustment factor they
 * drive, shares outstanding, earnings and broker reports. Generated on first use and cached.
 *
 * Corporate actions work like the exchange's: on an ex-date the reference price is
 * `(close(T-1) - cash) / (1 + bonus shares)`, and the factor steps by `close(T-1) / pre_close(T)`.
 */
import { dayNumber } from './dates.ts';
import type { RealSeries } from './real.ts';
import { hash, normal, round, stream } from './rng.ts';
import type { Instrument } from './universe.ts';

export interface CorporateAction {
  /** Calendar index of the ex-date. */
  t: number;
  ex_date: string;
  /** `ex_date` as days since 1970-01-01 (for trailing-window sums). */
  exDay: number;
  cash_div_tax: number;
  stk_div: number;
}

export interface Report {
  report_date: string;
  org_name: string;
  author_name: string;
  rating: string;
  tp: number;
  eps: number;
  quarter: string;
}

export interface Series {
  inst: Instrument;
  /** First and one-past-last calendar index where the stock trades (listed). */
  start: number;
  end: number;
  /** Prices in fen (1/100 yuan) so that 2-decimal ticks stay exact and memory small. */
  openF: Int32Array;
  highF: Int32Array;
  lowF: Int32Array;
  closeF: Int32Array;
  preF: Int32Array;
  /** Shares traded. */
  shares: Float64Array;
  /** Turnover in yuan. */
  amount: Float64Array;
  /** xtdata suspendFlag: 0 normal, 1 suspended, -1 resumed that day. */
  susp: Int8Array;
  factor: Float64Array;
  /** Shares outstanding (万股) before the first action; actions with bonus shares scale them. */
  total0: number;
  float0: number;
  eps: number;
  bps: number;
  sps: number;
  actions: CorporateAction[];
  reports: Report[];
}

/** Calendar facts shared by every series (computed once per market). */
export interface CalendarInfo {
  calendar: readonly string[];
  /** Common market return per day. */
  market: Float64Array;
  /** Per year, the calendar indices in May–July (when A-share dividends mostly go ex). */
  exWindows: Map<string, number[]>;
}

/** Builds {@link CalendarInfo}. */
export function calendarInfo(calendar: readonly string[], market: Float64Array): CalendarInfo {
  const exWindows = new Map<string, number[]>();
  calendar.forEach((d, t) => {
    const m = d.slice(4, 6);
    if (m >= '05' && m <= '07') {
      const y = d.slice(0, 4);
      const list = exWindows.get(y) ?? [];
      list.push(t);
      exWindows.set(y, list);
    }
  });
  return { calendar, market, exWindows };
}

/** Shares outstanding (万股) on day t: bonus shares of earlier ex-dates applied. */
export function sharesOn(s: Series, t: number): { total: number; float: number } {
  let total = s.total0;
  let float = s.float0;
  for (const a of s.actions) {
    if (a.t > t) break;
    if (a.stk_div > 0) {
      total = round(total * (1 + a.stk_div), 2);
      float = round(float * (1 + a.stk_div), 2);
    }
  }
  return { total, float };
}

const ORGS = [
  '中信证券',
  '华泰证券',
  '国泰君安',
  '招商证券',
  '海通证券',
  '广发证券',
  '中金公司',
  '申万宏源',
  '兴业证券',
  '东吴证券',
  '天风证券',
  '国信证券',
  '开源证券',
  '民生证券',
  '浙商证券',
];
const AUTHORS = ['王磊', '李娜', '张伟', '刘洋', '陈静', '杨帆', '赵强', '黄敏', '周杰', '吴昊'];
const RATINGS: [string, number][] = [
  ['买入', 0.55],
  ['增持', 0.25],
  ['推荐', 0.05],
  ['强烈推荐', 0.03],
  ['中性', 0.08],
  ['跑赢行业', 0.02],
  ['减持', 0.015],
  ['卖出', 0.005],
];

function pickRating(u: number): string {
  for (const [r, p] of RATINGS) if ((u -= p) < 0) return r;
  return '买入';
}

const tick = (x: number) => round(x, 2);
const fen = (x: number) => Math.round(x * 100);
function clamp(x: number, down: number, up: number): number {
  return Math.min(up, Math.max(down, tick(x)));
}

/**
 * Generates the series of `inst` over `calendar`. `market[t]` is the common market return of day t.
 */
export function generateSeries(
  inst: Instrument,
  info: CalendarInfo,
  seed: number,
  real?: RealSeries,
): Series {
  const { calendar, market } = info;
  const n = calendar.length;
  const r = stream(hash(seed, 'path', inst.ts_code));
  const s: Series = {
    inst,
    start: 0,
    end: 0,
    openF: new Int32Array(0),
    highF: new Int32Array(0),
    lowF: new Int32Array(0),
    closeF: new Int32Array(0),
    preF: new Int32Array(0),
    shares: new Float64Array(0),
    amount: new Float64Array(0),
    susp: new Int8Array(0),
    factor: new Float64Array(0),
    total0: 0,
    float0: 0,
    eps: 0,
    bps: 0,
    sps: 0,
    actions: [],
    reports: [],
  };
  // Listing span within the calendar.
  const firstDay = real ? real.dates[0] : inst.list_date;
  s.start = lowerBound(calendar, firstDay);
  s.end = inst.delist_date ? lowerBound(calendar, inst.delist_date) : n;
  if (s.start >= s.end) return s;
  // Arrays span the whole calendar (indexing stays simple); typed arrays keep it compact.
  s.openF = new Int32Array(n);
  s.highF = new Int32Array(n);
  s.lowF = new Int32Array(n);
  s.closeF = new Int32Array(n);
  s.preF = new Int32Array(n);
  s.shares = new Float64Array(n);
  s.amount = new Float64Array(n);
  s.susp = new Int8Array(n);
  s.factor = new Float64Array(n);

  const sigma = 0.012 + r() * 0.022;
  const beta = 0.6 + r() * 0.8;
  const price = Math.min(1800, Math.max(2.5, Math.exp(Math.log(14) + 0.8 * normal(r))));
  let factor = inst.list_date >= calendar[0] ? 1 : round(1 + r() * r() * 12, 3);
  const total = round(Math.min(3e6, Math.max(3000, Math.exp(Math.log(60000) + 1.1 * normal(r)))), 2);
  const free = round(total * (0.3 + 0.7 * r()), 2);
  const pe0 = Math.exp(Math.log(25) + 0.6 * normal(r));
  const lossMaking = r() < 0.09;

  // Suspensions: an occasional multi-day window plus rare single days; 'P' stocks are suspended throughout.
  const susp = s.susp;
  if (inst.list_status === 'P') susp.fill(1, s.start, s.end);
  else if (!real) {
    if (r() < 0.03) {
      const a = s.start + 1 + Math.floor(r() * (s.end - s.start));
      for (let t = a; t < Math.min(s.end, a + 1 + Math.floor(r() * 15)); t++) susp[t] = 1;
    }
    for (let t = s.start + 1; t < s.end; t++) if (r() < 0.002) susp[t] = 1;
  }
  // Corporate action plan: one ex-date per year with probability, in May–July, on a trading day.
  const plan = new Map<number, { yieldFrac: number; stk: number }>();
  if (!real) {
    for (const window of info.exWindows.values()) {
      const u = r();
      if (u >= 0.65) continue;
      const cands = window.filter((t) => t > s.start && t < s.end && !susp[t]);
      if (cands.length) {
        const stk = r() < 0.15 ? [0.1, 0.2, 0.3, 0.4, 0.5, 1.0][Math.floor(r() * 6)] : 0;
        plan.set(cands[Math.floor(r() * cands.length)], { yieldFrac: 0.003 + r() * 0.035, stk });
      }
    }
  }

  // The real layer may start before the simulated range: begin at the first recorded day in range,
  // with the factor history derived over the whole record so factors do not depend on the range.
  let realIdx = real ? lowerBound(real.dates, calendar[s.start]) : 0;
  let prevClose = real && realIdx > 0 ? real.rows[realIdx - 1].close : price;
  if (real) factor = real.factor[Math.min(realIdx, real.factor.length - 1)];
  for (let t = s.start; t < s.end; t++) {
    const d = calendar[t];
    const rr =
      real && realIdx < real.rows.length && real.rows[realIdx].trade_date === d
        ? real.rows[realIdx++]
        : undefined;
    if (real && !rr && realIdx < real.rows.length) susp[t] = 1; // a calendar day the real stock did not trade
    let pre = prevClose;
    if (rr) {
      pre = rr.pre_close;
      const hasPrev = t > s.start || realIdx > 1;
      if (hasPrev && Math.abs(pre - prevClose) > 1e-9) {
        const ratio = prevClose / pre;
        const stk = ratio > 1.15 ? round(ratio - 1, 1) : 0;
        const cash = round(prevClose - pre * (1 + stk), 3);
        s.actions.push({ t, ex_date: d, exDay: dayNumber(d), cash_div_tax: Math.max(cash, 0), stk_div: stk });
      }
      factor = real!.factor[realIdx - 1];
      s.openF[t] = fen(rr.open);
      s.highF[t] = fen(rr.high);
      s.lowF[t] = fen(rr.low);
      s.closeF[t] = fen(rr.close);
      s.preF[t] = fen(pre);
      s.shares[t] = Math.round(rr.vol * 100);
      s.amount[t] = Math.round(rr.amount * 1000 * 1000) / 1000;
    } else {
      const act = plan.get(t);
      if (act && t > s.start) {
        const cash = Math.max(0.01, round(prevClose * act.yieldFrac, 3));
        pre = tick((prevClose - cash) / (1 + act.stk));
        s.actions.push({ t, ex_date: d, exDay: dayNumber(d), cash_div_tax: cash, stk_div: act.stk });
        factor *= prevClose / pre;
      }
      s.preF[t] = fen(pre);
      if (susp[t] === 1) {
        s.openF[t] = s.highF[t] = s.lowF[t] = s.closeF[t] = fen(pre);
      } else {
        const lim = inst.limit;
        const up = tick(pre * (1 + lim));
        const down = Math.max(0.01, tick(pre * (1 - lim)));
        const ret = beta * market[t] + sigma * normal(r);
        const close = clamp(pre * (1 + ret), down, up);
        const open = clamp(pre * (1 + 0.4 * sigma * normal(r)), down, up);
        const high = clamp(Math.max(open, close) * (1 + Math.abs(normal(r)) * sigma * 0.5), down, up);
        const low = clamp(Math.min(open, close) * (1 - Math.abs(normal(r)) * sigma * 0.5), down, up);
        s.openF[t] = fen(open);
        s.closeF[t] = fen(close);
        s.highF[t] = fen(high);
        s.lowF[t] = fen(low);
        const turnover = Math.exp(Math.log(0.012) + 0.5 * normal(r)) * (1 + 10 * Math.abs(ret));
        const sh = Math.max(100, Math.round(free * 1e4 * turnover));
        s.shares[t] = sh;
        s.amount[t] = Math.round((sh * (open + high + low + close)) / 4);
      }
    }
    if (t > s.start && susp[t] === 0 && susp[t - 1] === 1) susp[t] = -1;
    s.factor[t] = factor;
    prevClose = s.closeF[t] / 100;
  }
  s.total0 = total;
  s.float0 = free;
  const ref = s.closeF[s.start] / 100;
  s.eps = round((lossMaking ? -0.05 : 1) * (ref / pe0), 4);
  s.bps = round(ref / Math.exp(Math.log(2.5) + 0.5 * normal(r)), 4);
  s.sps = round(ref / Math.exp(Math.log(3) + 0.6 * normal(r)), 4);
  // Broker reports: covered stocks get one every ~30 trading days on average.
  if (real || r() < 0.6) {
    for (let t = s.start; t < s.end; t++) {
      if (r() >= 1 / 30) continue;
      const c = s.closeF[t] / 100;
      s.reports.push({
        report_date: calendar[t],
        org_name: ORGS[Math.floor(r() * ORGS.length)],
        author_name: AUTHORS[Math.floor(r() * AUTHORS.length)],
        rating: pickRating(r()),
        tp: tick(c * (0.95 + r() * 0.5)),
        eps: round(Math.abs(s.eps) * (0.9 + r() * 0.4), 2),
        quarter: `${calendar[t].slice(0, 4)}Q4`,
      });
    }
  }
  return s;
}

/** First index i with `sorted[i] >= x`. */
export function lowerBound(sorted: readonly string[], x: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

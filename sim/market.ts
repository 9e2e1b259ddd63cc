/**
 * One deterministic, seeded market that both simulated servers serve from: the Tushare view
 * (`daily`, `adj_factor`, `daily_basic`, `dividend`, `stock_basic`, `trade_cal`, `report_rc`) and
 * the QMT view of the same days (xtdata conventions: volume in 手, amount in yuan, epoch-ms time,
 * preClose, suspendFlag), with small realistic disagreements between the two.
 *
 * @example
 * const m = createMarket({ symbols: 100, from: '20240101', to: '20240131', seed: 7 });
 * m.daily('000001.SZ', '20240102'); // { ts_code, trade_date, open, ..., vol, amount } or null
 */
import { dayNumber, fromDayNumber, shanghaiMidnightMs, tradingCalendar } from './dates.ts';
import { loadRealLayer, realTradingDays, type RealSeries } from './real.ts';
import { hash, normal, round, stream, unit } from './rng.ts';
import {
  calendarInfo,
  generateSeries,
  lowerBound,
  sharesOn,
  type CalendarInfo,
  type Series,
} from './series.ts';
import { buildUniverse, type Instrument } from './universe.ts';

export interface MarketOptions {
  /** Number of instruments (real layer included). Default 5400. */
  symbols?: number;
  /** Simulated range, `YYYYMMDD`. Default 20240101–20241231. */
  from?: string;
  to?: string;
  seed?: number;
}

export type Row = Record<string, unknown>;

export class Market {
  readonly from: string;
  readonly to: string;
  readonly seed: number;
  /** Open days, ascending. */
  readonly calendar: string[];
  readonly instruments: Instrument[];
  private readonly byCode = new Map<string, Instrument>();
  private readonly real: Map<string, RealSeries>;
  private readonly info: CalendarInfo;
  private readonly cache = new Map<string, Series>();
  private readonly dayIndex = new Map<string, number>();

  constructor(o: MarketOptions = {}) {
    this.from = o.from ?? '20240101';
    this.to = o.to ?? '20241231';
    this.seed = o.seed ?? 1;
    if (this.from > this.to) throw new Error(`sim: --from ${this.from} is after --to ${this.to}`);
    this.real = loadRealLayer();
    this.calendar = tradingCalendar(this.from, this.to, realTradingDays(this.real));
    this.calendar.forEach((d, i) => this.dayIndex.set(d, i));
    const r = stream(hash(this.seed, 'market'));
    this.info = calendarInfo(
      this.calendar,
      Float64Array.from(this.calendar, () => 0.011 * normal(r)),
    );
    this.instruments = buildUniverse({
      count: o.symbols ?? 5400,
      seed: this.seed,
      from: this.from,
      to: this.to,
      real: this.real,
    });
    for (const i of this.instruments) this.byCode.set(i.ts_code, i);
  }

  /** The last simulated day ("today" for stock lists and latest quotes). */
  get today(): string {
    return this.calendar[this.calendar.length - 1];
  }

  instrument(ts: string): Instrument | undefined {
    return this.byCode.get(ts);
  }

  isOpen(d: string): boolean {
    return this.dayIndex.has(d);
  }

  /** Open days within [start, end] (inclusive), ascending. */
  days(start = this.from, end = this.to): string[] {
    return this.calendar.slice(lowerBound(this.calendar, start), lowerBound(this.calendar, end + '~'));
  }

  series(ts: string): Series | undefined {
    let s = this.cache.get(ts);
    if (s) return s;
    const inst = this.byCode.get(ts);
    if (!inst) return undefined;
    s = generateSeries(inst, this.info, this.seed, inst.real ? this.real.get(ts) : undefined);
    this.cache.set(ts, s);
    return s;
  }

  /** Calendar index of `d` if the stock is listed on that open day. */
  private at(ts: string, d: string): { s: Series; t: number } | undefined {
    const t = this.dayIndex.get(d);
    const s = this.series(ts);
    if (t === undefined || !s || t < s.start || t >= s.end) return undefined;
    return { s, t };
  }

  /** Tushare `daily` row (raw prices, vol 手, amount 千元); null when not listed or suspended. */
  daily(ts: string, d: string): Row | null {
    const x = this.at(ts, d);
    if (!x || x.s.susp[x.t] === 1) return null;
    const { s, t } = x;
    const pre = s.preF[t] / 100;
    const change = (s.closeF[t] - s.preF[t]) / 100;
    return {
      ts_code: ts,
      trade_date: d,
      open: s.openF[t] / 100,
      high: s.highF[t] / 100,
      low: s.lowF[t] / 100,
      close: s.closeF[t] / 100,
      pre_close: pre,
      change,
      pct_chg: round((change / pre) * 100, 4),
      vol: round(s.shares[t] / 100, 2),
      amount: round(s.amount[t] / 1000, 3),
    };
  }

  /** Tushare `adj_factor`: every listed open day, suspended days included (3 decimals like Tushare). */
  adjFactor(ts: string, d: string): Row | null {
    const x = this.at(ts, d);
    return x ? { ts_code: ts, trade_date: d, adj_factor: round(x.s.factor[x.t], 3) } : null;
  }

  /** Tushare `daily_basic` (valuation); null on suspended days. */
  dailyBasic(ts: string, d: string): Row | null {
    const x = this.at(ts, d);
    if (!x || x.s.susp[x.t] === 1) return null;
    const { s, t } = x;
    const c = s.closeF[t] / 100;
    const sh = sharesOn(s, t);
    const today = dayNumber(d);
    let ttm = 0;
    for (const a of s.actions) if (a.t <= t && today - a.exDay < 365) ttm += a.cash_div_tax;
    const dv = ttm > 0 ? round((ttm / c) * 100, 4) : null;
    const pos = (v: number) => (v > 0 ? round(c / v, 4) : null);
    const free = sh.float * 0.8;
    return {
      ts_code: ts,
      trade_date: d,
      close: c,
      turnover_rate: round((s.shares[t] / (sh.float * 1e4)) * 100, 4),
      turnover_rate_f: round((s.shares[t] / (free * 1e4)) * 100, 4),
      volume_ratio: round(0.5 + unit(this.seed, 'vr', ts, d) * 1.5, 2),
      pe: pos(s.eps * 0.95),
      pe_ttm: pos(s.eps),
      pb: pos(s.bps),
      ps: pos(s.sps * 0.95),
      ps_ttm: pos(s.sps),
      dv_ratio: dv,
      dv_ttm: dv,
      total_share: sh.total,
      float_share: sh.float,
      free_share: round(free, 4),
      total_mv: round(c * sh.total, 4),
      circ_mv: round(c * sh.float, 4),
    };
  }

  /** Tushare `dividend` rows of a stock: a proposal (预案) and an implemented (实施) row per action. */
  dividends(ts: string, exDate?: string): Row[] {
    const s = this.series(ts);
    if (!s) return [];
    // Whole-market requests by ex_date touch every stock: skip those without that ex-date cheaply.
    if (exDate !== undefined && !s.actions.some((a) => a.ex_date === exDate)) return [];
    const out: Row[] = [];
    for (const a of s.actions) {
      const exN = dayNumber(a.ex_date);
      const year = +a.ex_date.slice(0, 4) - 1;
      const base = {
        ts_code: ts,
        end_date: `${year}1231`,
        stk_div: a.stk_div,
        stk_bo_rate: a.stk_div || null,
        stk_co_rate: null,
        cash_div: a.cash_div_tax,
        cash_div_tax: a.cash_div_tax,
      };
      out.push({
        ...base,
        ann_date: fromDayNumber(exN - 60),
        div_proc: '预案',
        record_date: null,
        ex_date: null,
        pay_date: null,
        div_listdate: null,
        imp_ann_date: null,
      });
      out.push({
        ...base,
        ann_date: fromDayNumber(exN - 60),
        div_proc: '实施',
        record_date: this.calendar[a.t - 1] ?? fromDayNumber(exN - 1),
        ex_date: a.ex_date,
        pay_date: a.ex_date,
        div_listdate: a.stk_div > 0 ? a.ex_date : null,
        imp_ann_date: fromDayNumber(exN - 7),
      });
    }
    return out;
  }

  /** Tushare `report_rc` rows of a stock. */
  reports(ts: string): Row[] {
    const s = this.series(ts);
    if (!s) return [];
    return s.reports.map((r) => ({
      ts_code: ts,
      name: s.inst.name,
      report_date: r.report_date,
      report_title: `${s.inst.name}：${r.rating === '中性' ? '业绩符合预期' : '经营稳健，维持评级'}`,
      report_type: '点评',
      org_name: r.org_name,
      author_name: r.author_name,
      quarter: r.quarter,
      eps: r.eps,
      rating: r.rating,
      tp: r.tp,
      max_price: r.tp,
      min_price: round(r.tp * 0.9, 2),
    }));
  }

  /** Tushare `stock_basic` row (status as of the simulated `today`). */
  stockBasic(i: Instrument): Row {
    return {
      ts_code: i.ts_code,
      symbol: i.symbol,
      name: i.name,
      area: i.area,
      industry: i.industry,
      market: i.market,
      exchange: i.exchange,
      list_status: i.list_status,
      list_date: i.list_date,
      delist_date: i.delist_date,
      is_hs: i.real ? 'S' : 'N',
    };
  }

  /**
   * xtdata daily bar (QMT view): volume in whole 手, amount in yuan, epoch-ms time, preClose and
   * suspendFlag (a suspended day is a flat bar with zero volume). Synthetic stocks carry small
   * deterministic disagreements with the Tushare view: ~2% of bars a volume difference under 1%,
   * ~0.5% a one-tick close difference, ~0.05% a close off by ~0.8% (beyond the 0.5% tolerance).
   */
  qmtBar(ts: string, d: string): Row | null {
    const x = this.at(ts, d);
    if (!x) return null;
    const { s, t } = x;
    let close = s.closeF[t] / 100;
    let volume = Math.round(s.shares[t] / 100);
    if (!s.inst.real && s.susp[t] !== 1) {
      const u = unit(this.seed, 'disagree', ts, d);
      if (u < 0.0005) close = round(close * 1.008, 2);
      else if (u < 0.005) close = round(close + 0.01, 2);
      else if (u < 0.025) volume = Math.round(volume * (1 + (unit(this.seed, 'dv', ts, d) - 0.5) * 0.018));
    }
    return {
      date: d,
      time: shanghaiMidnightMs(d),
      open: s.openF[t] / 100,
      high: Math.max(s.highF[t] / 100, close),
      low: Math.min(s.lowF[t] / 100, close),
      close,
      volume,
      amount: s.amount[t],
      preClose: s.preF[t] / 100,
      suspendFlag: s.susp[t],
    };
  }
}

/** Builds a market (the real layer is loaded once per process). */
export function createMarket(o: MarketOptions = {}): Market {
  return new Market(o);
}

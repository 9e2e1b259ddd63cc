/**
 * Per-symbol memory of corporate actions and broker ratings, and the Gold fields they imply for a
 * (symbol, trade_date): div_cash (pre-tax cash per share of implemented dividends on the ex-date),
 * split_ratio (1 + stock dividend per share on the ex-date) and the latest broker rating as of the date.
 */

/** `2024-06-14` from `20240614` / `2024-06-14` / a Date-ish string; undefined when unusable. */
export function isoDate(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  if (/^\d{8}$/.test(s)) return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) return s.slice(0, 10);
  return undefined;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Default normalisation of broker rating texts to five levels (the Gold enum). */
export const DEFAULT_RATING_MAP: Record<string, string> = {
  买入: '买入',
  强烈推荐: '买入',
  强推: '买入',
  强烈买入: '买入',
  增持: '增持',
  推荐: '增持',
  谨慎推荐: '增持',
  审慎增持: '增持',
  跑赢行业: '增持',
  优于大市: '增持',
  谨慎增持: '增持',
  outperform: '增持',
  中性: '中性',
  持有: '中性',
  同步大市: '中性',
  观望: '中性',
  区间操作: '中性',
  neutral: '中性',
  hold: '中性',
  减持: '减持',
  跑输行业: '减持',
  弱于大市: '减持',
  谨慎减持: '减持',
  underperform: '减持',
  卖出: '卖出',
  sell: '卖出',
  buy: '买入',
};

interface Dividend {
  key: string;
  cash: number;
  stk: number;
}
interface Rating {
  date: string;
  org: string;
  rating: string;
}

export interface EventBookOptions {
  /** Only dividends in this stage act on prices (Tushare: 实施). */
  implemented?: string;
  ratingMap?: Record<string, string>;
  /** A rating older than this many days no longer counts. */
  ratingMaxAgeDays?: number;
  /** Ratings remembered per symbol. */
  keepRatings?: number;
}

export class EventBook {
  private readonly dividends = new Map<string, Map<string, Dividend[]>>();
  private readonly ratings = new Map<string, Rating[]>();
  /** The winning rating of each rating day, per symbol; dropped when the symbol gets a rating. */
  private readonly bestOfDay = new Map<string, Map<string, string>>();
  /** Date.parse of the dates seen (a few distinct trading days against many rows). */
  private readonly parsed = new Map<string, number>();
  private readonly implemented: string;
  private readonly ratingMap: Record<string, string>;

  constructor(private readonly opts: EventBookOptions = {}) {
    this.implemented = opts.implemented ?? '实施';
    this.ratingMap = opts.ratingMap ?? DEFAULT_RATING_MAP;
  }

  /** Files a Tushare `dividend` row; returns why it was not used (or undefined). */
  addDividend(symbol: string, r: Record<string, unknown>): string | undefined {
    if (r.div_proc !== this.implemented) return undefined; // announcements and proposals do not act on prices
    const ex = isoDate(r.ex_date);
    if (!ex)
      throw new Error(
        `dividend of ${symbol} (${String(r.end_date)}) is implemented but has no valid ex_date: ${JSON.stringify(r.ex_date)}`,
      );
    const bySymbol = this.dividends.get(symbol) ?? new Map<string, Dividend[]>();
    this.dividends.set(symbol, bySymbol);
    const list = bySymbol.get(ex) ?? [];
    // The same distribution is often repeated (one row per announcement stage); one per end_date counts.
    const key = String(r.end_date ?? '');
    const d = { key, cash: num(r.cash_div_tax), stk: num(r.stk_div) };
    const at = list.findIndex((x) => x.key === key);
    if (at >= 0) list[at] = d;
    else list.push(d);
    bySymbol.set(ex, list);
    return undefined;
  }

  /** Files a Tushare `report_rc` row; returns why it was not used (unknown rating text). */
  addRating(symbol: string, r: Record<string, unknown>): string | undefined {
    // Bronze keeps report_date as the row's trade_date (its partition).
    const date = isoDate(r.report_date ?? r.trade_date);
    if (!date)
      return `report_rc row without a valid report_date/trade_date: ${JSON.stringify(r.report_date ?? r.trade_date)}`;
    const text = typeof r.rating === 'string' ? r.rating.trim() : '';
    const rating = this.ratingMap[text] ?? this.ratingMap[text.toLowerCase()];
    if (!rating) return `unknown rating text ${JSON.stringify(r.rating)}; add it to rating_map`;
    const list = this.ratings.get(symbol) ?? [];
    list.push({ date, org: String(r.org_name ?? ''), rating });
    list.sort((a, b) => a.date.localeCompare(b.date) || a.org.localeCompare(b.org));
    if (list.length > (this.opts.keepRatings ?? 64))
      list.splice(0, list.length - (this.opts.keepRatings ?? 64));
    this.ratings.set(symbol, list);
    this.bestOfDay.delete(symbol);
    return undefined;
  }

  /** The implemented dividends of a symbol with their ex-date on `tradeDate`, if any. */
  dividendsOn(symbol: string, tradeDate: string): readonly { cash: number; stk: number }[] | undefined {
    return this.dividends.get(symbol)?.get(tradeDate);
  }

  /** The corporate-action fields for one row (null where there is no event). */
  fieldsFor(
    symbol: string,
    tradeDate: string,
  ): { div_cash: number | null; split_ratio: number | null; analyst_rating: string | null } {
    return {
      ...dividendFields(this.dividendsOn(symbol, tradeDate)),
      analyst_rating: this.ratingAsOf(symbol, tradeDate),
    };
  }

  /** Latest rating on or before the date; several brokers that day → the most frequent, then by broker name. */
  ratingAsOf(symbol: string, date: string): string | null {
    const list = this.ratings.get(symbol);
    if (!list) return null;
    let i = list.length - 1;
    while (i >= 0 && list[i].date > date) i--;
    if (i < 0) return null;
    const day = list[i].date;
    const maxAge = this.opts.ratingMaxAgeDays ?? 180;
    if ((this.parse(date) - this.parse(day)) / 86_400_000 > maxAge) return null;
    let best = this.bestOfDay.get(symbol);
    if (!best) this.bestOfDay.set(symbol, (best = new Map()));
    let rating = best.get(day);
    if (rating === undefined) best.set(day, (rating = mostFrequent(list.filter((r) => r.date === day))));
    return rating;
  }

  private parse(date: string): number {
    let t = this.parsed.get(date);
    if (t === undefined) {
      if (this.parsed.size >= 4096) this.parsed.clear();
      this.parsed.set(date, (t = Date.parse(date)));
    }
    return t;
  }
}

/** The most frequent rating of one day's ratings (sorted by broker); ties → the first broker's. */
function mostFrequent(sameDay: readonly Rating[]): string {
  const counts = new Map<string, number>();
  for (const r of sameDay) counts.set(r.rating, (counts.get(r.rating) ?? 0) + 1);
  const best = Math.max(...counts.values());
  return sameDay.find((r) => counts.get(r.rating) === best)!.rating;
}

/**
 * div_cash (sum of pre-tax cash) and split_ratio (1 + sum of stock dividends) of one ex-date's
 * dividends, each null when zero; rounded to 8 decimals so that sums of 3-decimal amounts stay clean.
 * @example dividendFields([{ cash: 0.2, stk: 0.2 }]) // { div_cash: 0.2, split_ratio: 1.2 }
 */
export function dividendFields(events: readonly { cash: number; stk: number }[] = []): {
  div_cash: number | null;
  split_ratio: number | null;
} {
  const cash = events.reduce((s, d) => s + d.cash, 0);
  const stk = events.reduce((s, d) => s + d.stk, 0);
  return {
    div_cash: cash > 0 ? Math.round(cash * 1e8) / 1e8 : null,
    split_ratio: stk > 0 ? Math.round((1 + stk) * 1e8) / 1e8 : null,
  };
}

/**
 * A deterministic synthetic full market of Bronze rows for the benchmarks: `symbols` × `days`
 * trading days built from the real recorded Tushare bars (sim/data/tushare-daily, symbol i
 * replays real series i mod 10 from day `start`). Both sources are present with realistic defects
 * (seeded, so every run and every peer sees the same rows):
 * - ~0.5 % of QMT bars missing (Tushare wins), ~0.2 % of QMT bars with broken K-line logic
 *   (high < close: the OHLC group falls back to Tushare as a whole);
 * - Tushare close off by 0–0.8 % on ~0.5 % of rows (some beyond the 0.5 % tolerance), volume off on a few;
 * - ~1 % of adj_factor rows missing, never two days running per symbol (adjust derives them);
 * - daily_basic with negative PE (loss-making → invalid → null) on ~2 % of rows.
 *
 * @example
 * const m = bronzeMarket({ symbols: 5400, days: 5 });
 * for (const day of m.days) for (const rows of Object.values(day.tables)) feed(rows);
 */
import type { Rec } from '../../engine/api/index.ts';
import { readRealDaily, realSymbols, type RealRow } from '../../operators/lib/hfq/real-data.ts';
import { mulberry32 } from '../../operators/lib/random/mulberry32.ts';

export interface MarketOptions {
  symbols: number;
  days: number;
  /** First day in the real series (default 200). */
  start?: number;
  seed?: number;
}

export type BronzeTable = 'qmt_hist_kline' | 'tushare_daily' | 'tushare_adj_factor' | 'tushare_daily_basic';

export interface BronzeDay {
  trade_date: string;
  tables: Record<BronzeTable, Rec[]>;
}

/** Symbol code i: alternately Shenzhen 000xxx/001xxx and Shanghai 60xxxx (valid A-share patterns). */
export const symbolCode = (i: number): string =>
  i % 2 ? `${String(600000 + i).padStart(6, '0')}.SH` : `${String(i).padStart(6, '0')}.SZ`;

let realCache: RealRow[][] | undefined;
const real = () => (realCache ??= realSymbols().map((s) => readRealDaily(s)));

/** Number of trading days available from `start` in the real data. */
export function availableDays(start = 200): number {
  return real()[0].length - start;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The market, one {@link BronzeDay} per trading day (oldest first); generated eagerly. */
export function bronzeMarket(o: MarketOptions): BronzeDay[] {
  return [...bronzeDays(o)];
}

/**
 * The same market generated one day at a time (for multi-year backfills that do not fit in memory).
 * @example for (const day of bronzeDays({ symbols: 5400, days: 1210, start: 0 })) await write(day);
 */
export function* bronzeDays(o: MarketOptions): Generator<BronzeDay> {
  const start = o.start ?? 200;
  const series = real();
  if (o.days > availableDays(start))
    throw new Error(
      `bronzeMarket: ${o.days} days requested, the real data has ${availableDays(start)} from day ${start}`,
    );
  const rand = mulberry32(o.seed ?? 42);
  const factorMissingYesterday = new Uint8Array(o.symbols);
  for (let d = 0; d < o.days; d++) {
    const tables: BronzeDay['tables'] = {
      qmt_hist_kline: [],
      tushare_daily: [],
      tushare_adj_factor: [],
      tushare_daily_basic: [],
    };
    const trade_date = series[0][start + d].trade_date;
    for (let i = 0; i < o.symbols; i++) {
      const r = series[i % series.length][start + d];
      const symbol = symbolCode(i);
      const fetched_at = '2024-06-21T08:00:00.000Z';
      const bar = {
        symbol,
        trade_date,
        open: r.open,
        high: r.high,
        low: r.low,
        close: r.close,
        pre_close: r.pre_close,
        volume: r.volume,
        amount: r.amount,
        fetched_at,
      };
      const u = rand();
      if (u >= 0.005) {
        const q: Rec = { ...bar, source: 'qmt', dataset: 'hist_kline', suspend_flag: 0 };
        if (u < 0.007) q.close = r2(r.high * 1.02); // close above high: K-line broken in QMT
        tables.qmt_hist_kline.push(q);
      }
      const t: Rec = { ...bar, source: 'tushare', dataset: 'daily' };
      const v = rand();
      if (v < 0.005)
        t.close = r2(r.close * (1 + v * 1.6)); // 0–0.8 % off
      else if (v < 0.007) t.volume = Math.round(r.volume * 1.05);
      tables.tushare_daily.push(t);
      // Factor steps every ~250 days per symbol so hfq has real work; never missing two days running.
      const factor = Math.round((1 + (i % 97) + Math.floor((start + d + i) / 250) * 0.137) * 1000) / 1000;
      const missing = !factorMissingYesterday[i] && d > 0 && rand() < 0.01;
      factorMissingYesterday[i] = missing ? 1 : 0;
      if (!missing)
        tables.tushare_adj_factor.push({
          symbol,
          trade_date,
          adj_factor: factor,
          source: 'tushare',
          dataset: 'adj_factor',
          fetched_at,
        });
      tables.tushare_daily_basic.push({
        symbol,
        trade_date,
        pe_ttm: rand() < 0.02 ? -12.5 : 8 + (i % 40),
        pb: 0.8 + (i % 17) / 10,
        dv_ttm: (i % 9) * 0.4,
        total_mv: Math.round(r.close * 1e9),
        source: 'tushare',
        dataset: 'daily_basic',
        fetched_at,
      });
    }
    yield { trade_date, tables };
  }
}

/**
 * Writes one table of the market as CSV (the Python peers read these, untimed). `header: false`
 * leaves the header line out, to append a market written day by day (every row of a table has the
 * same columns in the same order).
 * @example appendFileSync(file, toCsv([day], 'tushare_daily', d === 0));
 */
export function toCsv(days: readonly BronzeDay[], table: BronzeTable, header = true): string {
  const rows = days.flatMap((d) => d.tables[table]);
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const lines = rows.map((r) => cols.map((c) => cell(r[c])).join(','));
  return [...(header ? [cols.join(',')] : []), ...lines].join('\n') + '\n';
}

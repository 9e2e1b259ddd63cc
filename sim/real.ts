/**
 * The real layer: ten A-shares replayed exactly from recorded Tushare `daily` rows. Adjustment
 * factors are derived the way the exchange does it: the factor steps at an ex-date by
 * `close(T-1) / pre_close(T)` (pre_close being the ex-rights reference price). 000001.SZ is
 * anchored to its known real factor (109.169 on 2020-01-02 … 111.048 from 2020-05-28).
 *
 * @example
 * const real = loadRealLayer();
 * real.get('000001.SZ')!.factor[real.get('000001.SZ')!.dates.indexOf('20200529')]; // ≈ 111.048
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RealSeries {
  ts_code: string;
  name: string;
  industry: string;
  list_date: string;
  /** Ascending trade dates. */
  dates: string[];
  /** Tushare daily rows as recorded (numbers parsed), same order as `dates`. */
  rows: RealRow[];
  /** Cumulative back-adjustment factor per date (unrounded). */
  factor: number[];
}

export interface RealRow {
  ts_code: string;
  trade_date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  pre_close: number;
  change: number;
  pct_chg: number;
  vol: number;
  amount: number;
}

/** Static reference data of the ten real stocks (names, industries, listing dates). */
const META: Record<string, { name: string; industry: string; list_date: string; anchor?: number }> = {
  '000001.SZ': { name: '平安银行', industry: '银行', list_date: '19910403', anchor: 109.169 },
  '000333.SZ': { name: '美的集团', industry: '家用电器', list_date: '20130918' },
  '000858.SZ': { name: '五粮液', industry: '白酒', list_date: '19980427' },
  '002594.SZ': { name: '比亚迪', industry: '汽车整车', list_date: '20110630' },
  '600036.SH': { name: '招商银行', industry: '银行', list_date: '20020409' },
  '600276.SH': { name: '恒瑞医药', industry: '化学制药', list_date: '20001018' },
  '600519.SH': { name: '贵州茅台', industry: '白酒', list_date: '20010827' },
  '600887.SH': { name: '伊利股份', industry: '乳制品', list_date: '19961212' },
  '601166.SH': { name: '兴业银行', industry: '银行', list_date: '20070205' },
  '601318.SH': { name: '中国平安', industry: '保险', list_date: '20070301' },
};

export const REAL_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data', 'tushare-daily');

let cache: Map<string, RealSeries> | undefined;

/** Loads (once) the real layer from `dir` (default: `sim/data/tushare-daily`, or `ARGUS_REAL_DATA`). */
export function loadRealLayer(dir = process.env.ARGUS_REAL_DATA ?? REAL_DATA_DIR): Map<string, RealSeries> {
  if (cache && dir === (process.env.ARGUS_REAL_DATA ?? REAL_DATA_DIR)) return cache;
  const out = new Map<string, RealSeries>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()) {
    const [header, ...lines] = readFileSync(join(dir, file), 'utf8').trim().split('\n');
    const cols = header.split(',');
    const rows = lines
      .map((line) => {
        const v = line.split(',');
        const r: Record<string, unknown> = {};
        cols.forEach((c, i) => (r[c] = c === 'ts_code' || c === 'trade_date' ? v[i] : Number(v[i])));
        return r as unknown as RealRow;
      })
      .sort((a, b) => (a.trade_date < b.trade_date ? -1 : 1));
    const ts = rows[0].ts_code;
    const meta = META[ts] ?? { name: ts, industry: '未知', list_date: rows[0].trade_date };
    out.set(ts, {
      ts_code: ts,
      ...meta,
      dates: rows.map((r) => r.trade_date),
      rows,
      factor: deriveFactors(rows, meta.anchor ?? 1),
    });
  }
  cache = out;
  return out;
}

/**
 * Cumulative factors from the price path: steps by close(T-1)/pre_close(T) whenever the exchange's
 * reference price differs from the previous close (an ex-rights/ex-dividend day).
 */
export function deriveFactors(
  rows: readonly { close: number; pre_close: number }[],
  anchor: number,
): number[] {
  const f: number[] = [];
  let cur = anchor;
  rows.forEach((r, i) => {
    if (i > 0 && Math.abs(rows[i - 1].close - r.pre_close) > 1e-9) cur *= rows[i - 1].close / r.pre_close;
    f.push(cur);
  });
  return f;
}

/** Real trading days covered by the recorded data (union over the ten stocks), ascending. */
export function realTradingDays(layer = loadRealLayer()): string[] {
  const s = new Set<string>();
  for (const series of layer.values()) for (const d of series.dates) s.add(d);
  return [...s].sort();
}

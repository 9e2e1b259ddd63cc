/**
 * Deterministic market days for tests of the quality operators: fused rows (one per symbol) with
 * both sources' raw values and every Gold field, a chosen volatility index, and helpers to perturb
 * a share of the rows. Also loads the real recorded Tushare bars of `sim/data` (the real recorded Tushare bars).
 *
 * @example
 * const day = marketDay({ symbols: 200, date: '2024-12-31', volatility: 0.02, seed: 7 });
 * const bad = offsetCloses(day, 0.03, 0.01); // 3 % of closes off by 1 %
 */
import { readFileSync } from 'node:fs';
import { table, type ColumnTable } from 'arquero';
import type { Rec } from '../../../engine/api/index.ts';
import { tableFromRecords } from '../../../engine/api/index.ts';
import { mulberry32 } from '../random/mulberry32.ts';
import { REAL_DATA_DIR } from '../hfq/real-data.ts';

/** Seeded uniform numbers in [0, 1) (mulberry32). */
export const rng = mulberry32;

const PREFIXES = ['600', '601', '000', '002', '300', '688'];

export interface DayOptions {
  symbols: number;
  date: string;
  /** Target market volatility index (mean (high - low) / pre_close). */
  volatility: number;
  seed?: number;
}

export function marketDay(o: DayOptions): Rec[] {
  const r = rng(o.seed ?? 1);
  const rows: Rec[] = [];
  const ranges = Array.from({ length: o.symbols }, () => 0.5 + r());
  const scale = (o.volatility * o.symbols) / ranges.reduce((a, b) => a + b, 0);
  for (let i = 0; i < o.symbols; i++) {
    const prefix = PREFIXES[i % PREFIXES.length];
    const code = `${prefix}${String(100 + Math.floor(i / PREFIXES.length)).padStart(3, '0')}`;
    const symbol = `${code}.${prefix.startsWith('6') ? 'SH' : 'SZ'}`;
    const pre = round2(5 + r() * 195);
    const range = ranges[i] * scale;
    const low = pre * (1 - range * (0.2 + 0.6 * r()));
    const high = low + range * pre;
    const open = low + (high - low) * r();
    const close = low + (high - low) * r();
    const volume = 100 * Math.floor(1000 + r() * 100000);
    const factor = 1 + Math.floor(r() * 50) / 10;
    rows.push({
      symbol,
      trade_date: o.date,
      open: open * factor,
      high: high * factor,
      low: low * factor,
      close: close * factor,
      pre_close: pre,
      high_qmt: high,
      low_qmt: low,
      pre_close_qmt: pre,
      close_qmt: close,
      close_ts: close,
      volume_qmt: volume,
      volume_ts: volume,
      volume,
      turnover: volume * close,
      adj_factor: factor,
      pe_ttm: 5 + r() * 60,
      pb_mrq: 0.5 + r() * 8,
      dividend_yield: r() * 0.05,
      total_mv: volume * close * 300,
      close_source: 'miniQMT',
      volume_source: 'miniQMT',
      financials_source: 'Tushare',
    });
  }
  return rows;
}

/** A copy of `rows` where the first `share` of rows (rounded) has `close_ts` off by `by` (relative). */
export function offsetCloses(rows: readonly Rec[], share: number, by: number): Rec[] {
  const n = Math.round(rows.length * share);
  return rows.map((row, i) => (i < n ? { ...row, close_ts: Number(row.close_qmt) * (1 + by) } : row));
}

/** Sets `field` to null on the first `share` of rows. */
export function dropField(rows: readonly Rec[], field: string, share: number): Rec[] {
  const n = Math.round(rows.length * share);
  return rows.map((row, i) => (i < n ? { ...row, [field]: null } : row));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export { REAL_DATA_DIR };
export const REAL_SYMBOLS = [
  '000001.SZ',
  '000333.SZ',
  '000858.SZ',
  '002594.SZ',
  '600036.SH',
  '600276.SH',
  '600519.SH',
  '600887.SH',
  '601166.SH',
  '601318.SH',
];

/**
 * The real Tushare `daily` bars of the ten recorded stocks for one date, as fused rows where both
 * sources report the exchange's values (volume 手 → shares, amount 千元 → yuan, as Bronze does).
 */
export function realDay(date: string): Rec[] {
  const ymd = date.replaceAll('-', '');
  const rows: Rec[] = [];
  for (const s of REAL_SYMBOLS) {
    const lines = readFileSync(`${REAL_DATA_DIR}/${s}.csv`, 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    const line = lines.find((l) => l.split(',')[1] === ymd);
    if (!line) continue;
    const v = Object.fromEntries(line.split(',').map((x, i) => [head[i], x]));
    const [open, high, low, close, pre] = ['open', 'high', 'low', 'close', 'pre_close'].map((k) =>
      Number(v[k]),
    );
    const volume = Math.round(Number(v.vol) * 100);
    rows.push({
      symbol: s,
      trade_date: date,
      open,
      high,
      low,
      close,
      pre_close: pre,
      close_qmt: close,
      close_ts: close,
      volume_qmt: volume,
      volume_ts: volume,
      volume,
      turnover: Number(v.amount) * 1000,
      adj_factor: 1,
      close_source: 'miniQMT',
      volume_source: 'miniQMT',
      financials_source: 'Tushare',
    });
  }
  return rows;
}

/**
 * `rows` as a column table the way fuse emits one: columns whose values are all numbers become
 * `Float64Array`s (NaN and ±Infinity included), the others stay plain arrays.
 * @example const t = asColumns(marketDay({ symbols: 10, date: '2024-12-31', volatility: 0.02 }));
 */
export function asColumns(rows: readonly Rec[]): ColumnTable {
  const t = tableFromRecords(rows);
  const cols: Record<string, ArrayLike<unknown>> = {};
  for (const name of t.columnNames()) {
    const values = t.column(name) as unknown as unknown[];
    const numeric = values.length > 0 && values.every((v) => typeof v === 'number');
    cols[name] = numeric ? Float64Array.from(values as number[]) : values;
  }
  return table(cols as Record<string, unknown[]>);
}

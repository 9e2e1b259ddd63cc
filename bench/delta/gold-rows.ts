/**
 * Deterministic Gold-like rows (schema v1 of gold.a_share_daily, domain.md §4) for benchmarks:
 * `days × symbols` rows, prices with 4 decimals, some nullable valuation fields null.
 */
import { table, type ColumnTable } from 'arquero';
import type { Rec } from '../../engine/api/batch.ts';

export const GOLD_COLUMNS = [
  { name: 'trade_date', type: 'date', nullable: false },
  { name: 'symbol', type: 'string', nullable: false },
  { name: 'open', type: 'decimal(18,4)', nullable: false },
  { name: 'high', type: 'decimal(18,4)', nullable: false },
  { name: 'low', type: 'decimal(18,4)', nullable: false },
  { name: 'close', type: 'decimal(18,4)', nullable: false },
  { name: 'volume', type: 'long', nullable: false },
  { name: 'turnover', type: 'decimal(22,4)', nullable: false },
  { name: 'adj_factor', type: 'decimal(18,6)', nullable: false },
  { name: 'pe_ttm', type: 'decimal(18,4)', nullable: true },
  { name: 'pb_mrq', type: 'decimal(18,4)', nullable: true },
  { name: 'dividend_yield', type: 'decimal(18,6)', nullable: true },
  { name: 'total_mv', type: 'decimal(24,4)', nullable: true },
  { name: 'div_cash', type: 'decimal(10,4)', nullable: true },
  { name: 'split_ratio', type: 'decimal(10,4)', nullable: true },
  { name: 'analyst_rating', type: 'string', nullable: true },
  { name: 'close_source', type: 'string', nullable: false },
  { name: 'volume_source', type: 'string', nullable: false },
  { name: 'financials_source', type: 'string', nullable: false },
  { name: 'data_quality_score', type: 'decimal(5,2)', nullable: false },
  { name: 'last_verified_utc', type: 'timestamp', nullable: false },
];

const SOURCES = ['miniQMT', 'Tushare', 'Imputed_ML', 'Imputed_Static', 'System_Calculated'];
const RATINGS = ['buy', 'outperform', 'hold', 'underperform', 'sell'];

/** `days × symbols` rows; `symbols` 5000 and `days` 200 give 1M rows. */
export function goldRows(days: number, symbols: number): Rec[] {
  const out: Rec[] = new Array(days * symbols);
  const base = Date.UTC(2024, 0, 2);
  let n = 0;
  for (let d = 0; d < days; d++) {
    const date = new Date(base + d * 86_400_000).toISOString().slice(0, 10);
    const verified = new Date(base + d * 86_400_000 + 8 * 3_600_000 + 123);
    for (let s = 0; s < symbols; s++) {
      const code =
        s < symbols / 2 ? `${String(600000 + s).padStart(6, '0')}.SH` : `${String(s).padStart(6, '0')}.SZ`;
      const p = 5 + ((s * 7919 + d * 31) % 20000) / 100; // 5.00 .. 205.00
      const close = Math.round(p * 1.0123 * 10000) / 10000;
      const k = (s + d) % 10;
      out[n++] = {
        trade_date: date,
        symbol: code,
        open: Math.round(p * 10000) / 10000,
        high: Math.round(p * 1.03 * 10000) / 10000,
        low: Math.round(p * 0.98 * 10000) / 10000,
        close,
        volume: 100 * ((s * 131 + d * 17) % 500000),
        turnover: Math.round(close * 100 * ((s * 131 + d * 17) % 500000) * 10000) / 10000,
        adj_factor: 1 + ((s % 97) * 1.5) / 100,
        pe_ttm: k === 0 ? null : Math.round((5 + (s % 300)) * 1.7 * 10000) / 10000,
        pb_mrq: k === 1 ? null : Math.round((0.5 + (s % 50) / 10) * 10000) / 10000,
        dividend_yield: k < 3 ? null : ((s % 80) + 1) / 10000,
        total_mv: Math.round(close * 1e8 * (1 + (s % 40)) * 10000) / 10000,
        div_cash: k === 5 ? 0.35 : null,
        split_ratio: k === 6 ? 1.2 : null,
        analyst_rating: k < 4 ? null : RATINGS[(s + d) % RATINGS.length],
        close_source: SOURCES[(s + d) % 7 === 0 ? 1 : 0],
        volume_source: SOURCES[(s + d) % 9 === 0 ? 1 : 0],
        financials_source: SOURCES[(s + d) % 5 === 0 ? 0 : 1],
        data_quality_score: 90 + ((s + d) % 1000) / 100,
        last_verified_utc: verified,
      };
    }
  }
  return out;
}

/**
 * The same rows as an Arquero table, shaped as column-wise operators build them: numeric
 * columns without nulls as Float64Array, everything else plain arrays (nulls stay null).
 */
export function goldTable(rows: readonly Rec[]): ColumnTable {
  const cols: Record<string, unknown[] | Float64Array> = {};
  for (const { name } of GOLD_COLUMNS) {
    const col = rows.map((r) => r[name]);
    cols[name] = col.every((v) => typeof v === 'number') ? Float64Array.from(col as number[]) : col;
  }
  return table(cols as Record<string, unknown[]>);
}

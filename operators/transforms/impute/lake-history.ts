/**
 * Seeds the imputer's history from a Delta table (normally `gold/a_share_daily`), so a freshly
 * started engine forecasts from the same history a long-running one has. Gold stores back-adjusted
 * (hfq) prices while imputation runs on raw prices before `adjust`, so price fields are divided by
 * the row's adjustment factor first. Rows whose lineage says they were imputed are not
 * observations (the imputer skips them).
 *
 * The lake is reached through `ctx.backend('lake')` with the small structural interface below
 * (`engine/api/lake.ts`'s `Lake` satisfies it).
 *
 * @example
 * const rows = await loadLakeHistory(ctx.backend('lake'), { table: 'gold/a_share_daily', lookback_days: 200 }, '2024-06-03');
 * imputer.remember(rows);
 */
import type { Rec } from '../../../engine/api/index.ts';

export interface HistoryTableConfig {
  /** Table name under the lake root, e.g. `gold/a_share_daily`. */
  table: string;
  /** Calendar days before the first day of the first batch to load. */
  lookback_days?: number;
  /** Divide these fields by `factor` (hfq → raw). Omit for tables of raw values. */
  unadjust?: { factor: string; fields: string[] };
}

interface ReadableTable {
  read(opts?: { columns?: string[] }): Promise<Rec[]> | Rec[];
}

export interface HistoryLake {
  table(name: string): ReadableTable | Promise<ReadableTable>;
}

export async function loadLakeHistory(lake: HistoryLake, cfg: HistoryTableConfig, firstDay: string): Promise<Rec[]> {
  const table = await lake.table(cfg.table);
  const factor = cfg.unadjust?.factor;
  // All columns: Gold has lineage for some fields only, and asking for a column a table lacks fails.
  const rows = await table.read();
  const since = shiftDays(firstDay, -(cfg.lookback_days ?? 200));
  const out: Rec[] = [];
  for (const r of rows) {
    const d = typeof r.trade_date === 'string' ? r.trade_date : r.trade_date instanceof Date ? r.trade_date.toISOString().slice(0, 10) : '';
    // Only days before the batch: history must never contain the values being imputed.
    if (d < since || d >= firstDay) continue;
    const row: Rec = { ...r, trade_date: d };
    if (factor) {
      const k = Number(r[factor]);
      for (const f of cfg.unadjust!.fields) {
        const v = Number(r[f]);
        row[f] = Number.isFinite(k) && k > 0 && r[f] !== null && r[f] !== undefined && Number.isFinite(v) ? v / k : null;
      }
    }
    out.push(row);
  }
  return out;
}

function shiftDays(isoDate: string, days: number): string {
  const t = Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

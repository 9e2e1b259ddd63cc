/**
 * Seeds the imputer's history from a Delta table (normally `gold/a_share_daily`), so a freshly
 * started engine forecasts from the same history a long-running one has. Gold stores back-adjusted
 * (hfq) prices while imputation runs on raw prices before `adjust`, so price fields are divided by
 * the row's adjustment factor first. Rows whose lineage says they were imputed are not
 * observations (the imputer skips them). Only the days before the batch are read, with partition
 * pruning when the table is partitioned by `trade_date`.
 *
 * @example
 * const rows = await loadLakeHistory(ctx.backend<Lake>('lake'), { table: 'gold/a_share_daily', lookback_days: 200 }, fields, '2024-06-03');
 * imputer.remember(rows);
 */
import type { Lake, Rec } from '../../../engine/api/index.ts';

export interface HistoryTableConfig {
  /** Table name under the lake root, e.g. `gold/a_share_daily`. */
  table: string;
  /** Calendar days before the first day of the first batch to load. */
  lookback_days?: number;
  /** Divide these fields by `factor` (hfq → raw). Omit for tables of raw values. */
  unadjust?: { factor: string; fields: string[] };
}

/** Rows of the days in [firstDay − lookback, firstDay); empty when the table does not exist yet. */
export async function loadLakeHistory(
  lake: Pick<Lake, 'table'>,
  cfg: HistoryTableConfig,
  fields: readonly string[],
  firstDay: string,
): Promise<Rec[]> {
  const table = lake.table(cfg.table);
  if (!(await table.exists())) return [];
  const schema = await table.schema();
  const has = new Set(schema.fields.map((f) => f.name));
  for (const need of ['symbol', 'trade_date'])
    if (!has.has(need)) throw new Error(`impute history: table ${cfg.table} has no column ${need}`);
  const factor = cfg.unadjust?.factor;
  if (factor && !has.has(factor))
    throw new Error(`impute history: table ${cfg.table} has no column ${factor} to unadjust prices with`);
  // Only columns the table has: Gold keeps lineage for some fields only.
  const columns = [
    'symbol',
    'trade_date',
    ...fields,
    ...fields.map((f) => `${f}_source`),
    ...(factor ? [factor] : []),
  ].filter((c, i, all) => has.has(c) && all.indexOf(c) === i);
  const since = shiftDays(firstDay, -(cfg.lookback_days ?? 200));
  const range = { trade_date: { gte: since, lt: firstDay } };
  const rows = await table.read({
    columns,
    ...(schema.partitionColumns.includes('trade_date') ? { partitions: range } : {}),
  });
  const out: Rec[] = [];
  for (const r of rows) {
    const d =
      typeof r.trade_date === 'string'
        ? r.trade_date
        : r.trade_date instanceof Date
          ? r.trade_date.toISOString().slice(0, 10)
          : '';
    // Only days before the batch: history must never contain the values being imputed.
    if (d < since || d >= firstDay) continue;
    const row: Rec = { ...r, trade_date: d };
    if (factor) {
      const k = Number(r[factor]);
      for (const f of cfg.unadjust!.fields) {
        const v = r[f];
        row[f] =
          Number.isFinite(k) && k > 0 && v !== null && v !== undefined && Number.isFinite(Number(v))
            ? Number(v) / k
            : null;
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

/**
 * Seeds the imputer's history from a Delta table (normally `gold/a_share_daily`), so a freshly
 * started engine forecasts from the same history a long-running one has. Gold stores back-adjusted
 * (hfq) prices while imputation runs on raw prices before `adjust`, so price fields are divided by
 * the row's adjustment factor first. Rows whose lineage says they were imputed are not
 * observations (the imputer skips them). Only the days before the batch are read, with partition
 * pruning when the table is partitioned by `trade_date`.
 *
 * @example
 * const t = await loadLakeHistory(ctx.backend<Lake>('lake'), { table: 'gold/a_share_daily', lookback_days: 200 }, fields, '2024-06-03');
 * imputer.rememberTable(t);
 */
import { table as aqTable, type ColumnTable } from 'arquero';
import { column, takeRows, type Lake } from '../../../engine/api/index.ts';

export interface HistoryTableConfig {
  /** Table name under the lake root, e.g. `gold/a_share_daily`. */
  table: string;
  /** Calendar days before the first day of the first batch to load. */
  lookback_days?: number;
  /** Divide these fields by `factor` (hfq → raw). Omit for tables of raw values. */
  unadjust?: { factor: string; fields: string[] };
}

/**
 * The days in [firstDay − lookback, firstDay) as a column table (only the columns named; an empty
 * table when the table does not exist yet). Prices come back raw: the `unadjust` fields become
 * `Float64Array`s of value / factor, NaN where either is missing or invalid (the history records
 * NaN for a missing value either way).
 */
export async function loadLakeHistory(
  lake: Pick<Lake, 'table'>,
  cfg: HistoryTableConfig,
  fields: readonly string[],
  firstDay: string,
): Promise<ColumnTable> {
  const table = lake.table(cfg.table);
  if (!(await table.exists())) return aqTable({});
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
  let t = await table.readTable({
    columns,
    ...(schema.partitionColumns.includes('trade_date') ? { partitions: range } : {}),
  });
  t = inRange(t, since, firstDay);
  if (!factor) return t;
  const k = column<unknown>(t, factor)!;
  const n = t.numRows();
  const raw: Record<string, Float64Array> = {};
  for (const f of cfg.unadjust!.fields) {
    const v = column<unknown>(t, f);
    if (!v) continue;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ki = typeof k[i] === 'number' ? (k[i] as number) : Number(k[i]);
      const x = v[i];
      const xi = x === null || x === undefined ? NaN : typeof x === 'number' ? x : Number(x);
      out[i] = ki > 0 && ki - ki === 0 && xi - xi === 0 ? xi / ki : NaN;
    }
    raw[f] = out;
  }
  // A new table over the new columns: the read table's columns are never written to.
  return Object.keys(raw).length ? t.assign(raw as unknown as Record<string, unknown[]>) : t;
}

/**
 * Only days before the batch: history must never contain the values being imputed (the partition
 * filter already ensures it on a table partitioned by date; this also covers other layouts).
 * `trade_date` becomes `YYYY-MM-DD` strings if the table held anything else.
 */
function inRange(t: ColumnTable, since: string, firstDay: string): ColumnTable {
  const col = column<unknown>(t, 'trade_date')!;
  const n = t.numRows();
  let iso: string[] | undefined;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = col[i];
    const d = typeof r === 'string' ? r : r instanceof Date ? r.toISOString().slice(0, 10) : '';
    if (typeof r !== 'string') (iso ??= Array.from(col, (x) => (typeof x === 'string' ? x : '')))[i] = d;
    if (d >= since && d < firstDay) keep.push(i);
  }
  const u = iso ? t.assign({ trade_date: iso }) : t;
  return keep.length === n ? u : takeRows(u, keep);
}

function shiftDays(isoDate: string, days: number): string {
  const t = Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

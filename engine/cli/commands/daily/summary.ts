/**
 * What a daily run left in the lake for its trading day: Gold rows and their close lineage, the
 * quality report (composite score and band), quarantined rows. Read back from the Delta tables, so
 * it reports what was committed, not what the pipeline meant to write.
 */
import { join, relative } from 'node:path';
import { createLake } from '../../../lake/index.ts';

export interface DaySummary {
  date: string;
  /** Gold rows committed for the day. */
  rows: number;
  /** close_source → rows. */
  closeSource: Record<string, number>;
  /** Composite quality score and band of the day (null when no report was written). */
  score: number | null;
  band: string | null;
  /** Rows of the day in quality/quarantine (> 0: the day was not published). */
  quarantined: number;
  /** Absolute path of the Gold table. */
  table: string;
}

async function partition(lakeRoot: string, name: string, date: string): Promise<Record<string, unknown>[]> {
  const t = createLake(lakeRoot).table(name);
  if (!(await t.exists())) return [];
  return t.read({ partitions: { trade_date: date } });
}

/** Reads the day's partitions of Gold, quality/daily_report and quality/quarantine. */
export async function summarizeDay(
  lakeRoot: string,
  date: string,
  gold = 'gold/a_share_daily',
): Promise<DaySummary> {
  const [rows, reports, quarantine] = await Promise.all([
    partition(lakeRoot, gold, date),
    partition(lakeRoot, 'quality/daily_report', date),
    partition(lakeRoot, 'quality/quarantine', date),
  ]);
  const closeSource: Record<string, number> = {};
  for (const r of rows) {
    const s = String(r.close_source);
    closeSource[s] = (closeSource[s] ?? 0) + 1;
  }
  // A rerun replaces the day's report; take the newest should several remain.
  const report = reports.sort((a, b) => String(b.scored_at).localeCompare(String(a.scored_at)))[0];
  return {
    date,
    rows: rows.length,
    closeSource,
    score: report ? Number(report.composite) : null,
    band: report ? String(report.band) : null,
    quarantined: quarantine.length,
    table: join(lakeRoot, gold),
  };
}

/** The summary as printed by `argus daily` (and `npm start`). */
export function formatSummary(s: DaySummary, cwd = process.cwd()): string {
  const where = relative(cwd, s.table) || s.table;
  const sources = Object.entries(s.closeSource)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const lines = [
    `Gold ${s.date}: ${s.rows} rows${sources ? ` (close_source: ${sources})` : ''}`,
    `quality: ${s.score === null ? 'no report' : `score ${s.score.toFixed(2)}, band ${s.band}`}${s.quarantined ? `; QUARANTINED ${s.quarantined} rows (quality/quarantine)` : ', nothing quarantined'}`,
    `table: ${where}`,
    `try: argus query ${where} --sql "SELECT close_source, count(*) AS n, round(avg(data_quality_score), 2) AS score FROM t WHERE trade_date = DATE '${s.date}' GROUP BY close_source"`,
  ];
  return lines.join('\n');
}

/**
 * `argus quality report [--month YYYY-MM]`: the daily quality reports of a month (from the
 * `quality/daily_report` Delta table) and their mean composite score against the monthly target.
 *
 * @example
 * argus quality report --month 2024-12
 * argus quality report --month 2024-12 --format json --check   # exit 1 when the mean is below target
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Rec } from '../../api/index.ts';
import { createLake } from '../../lake/index.ts';
import { scorePolicy } from '../../serve/bands.ts';
import { dailyReports, summarizeMonth, type MonthSummary } from '../../serve/data.ts';

export interface QualityReportOptions {
  month?: string;
  lake?: string;
  root?: string;
}

/** The reports and summary the command prints (also used by tests and the dashboard). */
export async function qualityReport(
  o: QualityReportOptions = {},
): Promise<{ days: Rec[]; summary: MonthSummary }> {
  const root = o.root ?? process.cwd();
  if (o.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month))
    throw new Error(`--month must be YYYY-MM, got "${o.month}"`);
  const lake = createLake(resolve(root, o.lake ?? process.env.ARGUS_LAKE ?? 'lake'));
  const all = await dailyReports(lake);
  const month =
    o.month ??
    (all.length ? String(all.at(-1)!.trade_date).slice(0, 7) : new Date().toISOString().slice(0, 7));
  const { bands, monthlyTarget } = scorePolicy(root);
  return {
    days: all.filter((r) => String(r.trade_date).startsWith(month)),
    summary: summarizeMonth(all, month, bands, monthlyTarget),
  };
}

const p = (x: unknown, d = 2) => (x === null || x === undefined ? 'n/a' : `${(Number(x) * 100).toFixed(d)}%`);

export function formatReport(days: readonly Rec[], s: MonthSummary): string {
  const head = [
    'trade_date',
    'composite',
    'band',
    'DQ-COM-01',
    'DQ-ACC-01',
    'DQ-CON-01',
    'DQ-TIM-01 (min)',
    'key missing max',
  ];
  const rows = days.map((r) => [
    String(r.trade_date),
    Number(r.composite).toFixed(2),
    String(r.band),
    p(r.dq_com_01, 3),
    p(r.dq_acc_01, 3),
    p(r.dq_con_01, 3),
    r.timeliness_minutes === null ? 'n/a' : Number(r.timeliness_minutes).toFixed(1),
    p(r.key_missing_max, 3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const summary =
    s.mean === null
      ? `${s.month}: no daily reports`
      : `${s.month}: monthly mean ${s.mean.toFixed(2)} (${s.band}) over ${s.days} day(s); target ≥ ${s.target}: ${s.mean >= s.target ? 'met' : 'MISSED'}`;
  return [line(head), ...rows.map(line), '', summary].join('\n');
}

export function registerQualityCommand(program: Command): void {
  const quality = program.command('quality').description('data-quality reports');
  quality
    .command('report')
    .description('daily quality reports of a month and the monthly mean composite score')
    .option('--month <YYYY-MM>', 'month (default: the month of the latest report)')
    .option('--lake <dir>', 'lake root (default $ARGUS_LAKE or ./lake)')
    .option('--format <format>', 'table | json', 'table')
    .option('--check', 'exit with status 1 when the monthly mean is below the target')
    .action(async (o: { month?: string; lake?: string; format: string; check?: boolean }) => {
      if (!['table', 'json'].includes(o.format))
        throw new Error(`--format must be table or json, got "${o.format}"`);
      const { days, summary } = await qualityReport({ month: o.month, lake: o.lake });
      console.log(
        o.format === 'json' ? JSON.stringify({ summary, days }, null, 2) : formatReport(days, summary),
      );
      if (o.check && (summary.mean === null || summary.mean < summary.target)) process.exitCode = 1;
    });
}

/**
 * What the dashboard (and `argus quality report`) shows, read from the engine's own data: the
 * quality Delta tables under the lake root, the alerts backend's state directory, and the
 * engine's `/metrics` (quota). Missing tables are empty views, not errors: a fresh lake has none.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Rec } from '../api/index.ts';
import type { LocalLake } from '../lake/index.ts';
import type { AlertEvent } from '../backends/alerts/types.ts';
import { parsePromText } from './prom-text.ts';

export interface Band {
  name: string;
  min: number;
}

export interface DashboardSources {
  lake: LocalLake;
  /** The alerts backend's state directory (`episodes.json`, `history.jsonl`). */
  alertsDir?: string;
  /** The engine's metrics in Prometheus text format (e.g. fetched from `argus run --metrics-port`). */
  metrics?: () => Promise<string>;
  bands?: Band[];
  monthlyTarget?: number;
}

export interface MonthSummary {
  month: string;
  days: number;
  mean: number | null;
  band: string | null;
  target: number;
}

export interface QuarantineBatch {
  batch_id: string;
  trade_date: string;
  rows: number;
  inconsistent: number;
  reason: string;
  row_reasons: string[];
  quarantined_at: string;
}

export interface DashboardData {
  reports: Rec[];
  latest: Rec | null;
  month: MonthSummary;
  heatmap: { dates: string[]; boards: string[]; cells: Record<string, Record<string, number>> };
  quota: { endpoint: string; used: number; limit: number | null; ratio: number | null }[];
  quarantine: QuarantineBatch[];
  alerts: { active: AlertEvent[]; recent: AlertEvent[] };
  storage: { table: string; bytes: number; files: number }[];
}

export const DEFAULT_BANDS: Band[] = [
  { name: 'green', min: 95 },
  { name: 'yellow', min: 85 },
  { name: 'red', min: 0 },
];

export const TABLES = {
  report: 'quality/daily_report',
  quarantine: 'quality/quarantine',
  consistency: 'quality/consistency',
} as const;

export function bandOf(score: number, bands: Band[] = DEFAULT_BANDS): string {
  const sorted = [...bands].sort((a, b) => b.min - a.min);
  return (sorted.find((b) => score >= b.min) ?? sorted[sorted.length - 1]).name;
}

export async function readTable(lake: LocalLake, name: string): Promise<Rec[]> {
  const t = lake.table(name);
  if (!(await t.exists())) return [];
  return t.read();
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v ?? ''));

/** Daily reports, one per trade date (the latest scoring wins), oldest first. */
export async function dailyReports(lake: LocalLake): Promise<Rec[]> {
  const byDate = new Map<string, Rec>();
  for (const r of await readTable(lake, TABLES.report)) {
    const d = String(r.trade_date);
    const prev = byDate.get(d);
    if (!prev || iso(r.scored_at) >= iso(prev.scored_at)) byDate.set(d, r);
  }
  return [...byDate.values()].sort((a, b) => String(a.trade_date).localeCompare(String(b.trade_date)));
}

/** The mean composite of a month's daily reports (`YYYY-MM`), with its band against the target. */
export function summarizeMonth(
  reports: readonly Rec[],
  month: string,
  bands = DEFAULT_BANDS,
  target = 95,
): MonthSummary {
  const values = reports
    .filter((r) => String(r.trade_date).startsWith(month))
    .map((r) => Number(r.composite))
    .filter(Number.isFinite);
  const mean = values.length
    ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100
    : null;
  return { month, days: values.length, mean, band: mean === null ? null : bandOf(mean, bands), target };
}

function readAlerts(dir?: string): DashboardData['alerts'] {
  if (!dir) return { active: [], recent: [] };
  const active = existsSync(join(dir, 'episodes.json'))
    ? (JSON.parse(readFileSync(join(dir, 'episodes.json'), 'utf8')) as AlertEvent[])
    : [];
  const recent = existsSync(join(dir, 'history.jsonl'))
    ? readFileSync(join(dir, 'history.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AlertEvent)
        .slice(-50)
        .reverse()
    : [];
  return { active, recent };
}

function heatmap(verdicts: readonly Rec[], days: number): DashboardData['heatmap'] {
  const cells: Record<string, Record<string, number>> = {};
  const dates = [...new Set(verdicts.map((v) => String(v.trade_date)))].sort().slice(-days);
  for (const v of verdicts) {
    const d = String(v.trade_date);
    if (!dates.includes(d)) continue;
    for (const [board, ratio] of Object.entries(
      JSON.parse(String(v.board_ratios ?? '{}')) as Record<string, number>,
    ))
      (cells[board] ??= {})[d] = ratio;
  }
  return { dates, boards: Object.keys(cells).sort(), cells };
}

function quarantineBatches(rows: readonly Rec[]): QuarantineBatch[] {
  const by = new Map<string, QuarantineBatch>();
  for (const r of rows) {
    const id = String(r.batch_id);
    const b = by.get(id) ?? {
      batch_id: id,
      trade_date: String(r.trade_date),
      rows: 0,
      inconsistent: 0,
      reason: String(r.batch_reason),
      row_reasons: [],
      quarantined_at: iso(r.quarantined_at),
    };
    b.rows++;
    if (r.row_consistent === false) {
      b.inconsistent++;
      if (b.row_reasons.length < 5 && r.row_reasons) b.row_reasons.push(`${r.symbol}: ${r.row_reasons}`);
    }
    by.set(id, b);
  }
  return [...by.values()].sort((a, b) => b.quarantined_at.localeCompare(a.quarantined_at));
}

async function quota(metrics?: () => Promise<string>): Promise<DashboardData['quota']> {
  if (!metrics) return [];
  const samples = parsePromText(await metrics());
  const used = new Map<string, number>();
  const limit = new Map<string, number>();
  for (const s of samples) {
    if (s.name === 'argus_quota_used')
      used.set(s.labels.endpoint, (used.get(s.labels.endpoint) ?? 0) + s.value);
    if (s.name === 'argus_quota_limit') limit.set(s.labels.endpoint, s.value);
  }
  return [...new Set([...used.keys(), ...limit.keys()])].sort().map((endpoint) => {
    const u = used.get(endpoint) ?? 0;
    const l = limit.get(endpoint) ?? null;
    return { endpoint, used: u, limit: l, ratio: l ? u / l : null };
  });
}

/** Every Delta table under the lake root with its live data size (storage cost). */
export async function storage(lake: LocalLake): Promise<DashboardData['storage']> {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || !existsSync(dir)) return;
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (!statSync(p).isDirectory()) continue;
      if (f === '_delta_log') found.push(relative(lake.root, dir));
      else if (!f.startsWith('_') && !f.includes('=')) walk(p, depth + 1);
    }
  };
  walk(lake.root, 0);
  const out: DashboardData['storage'] = [];
  for (const table of found.sort()) {
    const files = await lake.table(table).files();
    out.push({ table, bytes: files.reduce((a, f) => a + Number(f.add.size ?? 0), 0), files: files.length });
  }
  return out;
}

/** Everything the dashboard shows. `month` defaults to the latest report's month. */
export async function loadDashboard(
  src: DashboardSources,
  opts: { days?: number; month?: string } = {},
): Promise<DashboardData> {
  const days = opts.days ?? 30;
  const reports = await dailyReports(src.lake);
  const latest = reports.at(-1) ?? null;
  const month =
    opts.month ?? (latest ? String(latest.trade_date).slice(0, 7) : new Date().toISOString().slice(0, 7));
  return {
    reports: reports.slice(-days),
    latest,
    month: summarizeMonth(reports, month, src.bands, src.monthlyTarget),
    heatmap: heatmap(await readTable(src.lake, TABLES.consistency), days),
    quota: await quota(src.metrics),
    quarantine: quarantineBatches(await readTable(src.lake, TABLES.quarantine)),
    alerts: readAlerts(src.alertsDir),
    storage: await storage(src.lake),
  };
}

/**
 * The chaos suite: a clean daily run (the reference Gold), then every experiment, each compared
 * with the clean Gold by delta-rs. Returns one row per experiment; `formatTable` prints them.
 *
 * @example
 * const rows = await runSuite({ date: '2024-06-14', symbols: 200, seed: 3, brokers, redisUrl, python, log });
 * console.log(formatTable(rows));
 */
import { rmSync } from 'node:fs';
import { compareGold, dailyRun, type ChaosEnv, type GoldDiff } from './run.ts';
import { experiments, type Experiment } from './experiments.ts';
import { goldKillRerun } from './gold-kill.ts';

export interface ChaosRow {
  experiment: string;
  goal: string;
  detectionMs?: number;
  recoveryMs?: number;
  /** Faulted run's wall time − clean run's. */
  extraMs?: number;
  wallMs?: number;
  rowsLost?: number;
  rowsDuplicated?: number;
  /** yes | values (numbers equal, lineage/score differ) | no | - */
  goldEqual: string;
  diff?: GoldDiff;
  /** Gold lineage of the run (close_source → rows). */
  closeSource?: Record<string, number>;
  ok: boolean;
  note: string;
  error?: string;
  limits?: Experiment['limits'];
}

export const EXPERIMENT_NAMES = ['clean', ...experiments.map((e) => e.name), 'gold-sigkill-rerun'];

function verdict(d: GoldDiff, lineageMayDiffer: boolean): { goldEqual: string; ok: boolean } {
  if (d.equal) return { goldEqual: 'yes', ok: true };
  const list = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, n]) => `${k}:${n}`)
      .join(' ');
  if (d.values_equal) {
    const parts = [
      list(d.lineage_diff) && `lineage ${list(d.lineage_diff)}`,
      list(d.precision_diff) && `<1 lot ${list(d.precision_diff)}`,
      list(d.source_diff) && `other source ${list(d.source_diff)}`,
      list(d.flagged_diff) && `flagged in clean ${list(d.flagged_diff)}`,
    ].filter(Boolean);
    return { goldEqual: `values yes; ${parts.join('; ')}`, ok: lineageMayDiffer };
  }
  return {
    goldEqual: `no (${
      Object.entries(d.value_diff)
        .map(([k, n]) => `${k}:${n}`)
        .join(' ') || `lost ${d.lost}, extra ${d.extra}, dup ${d.duplicated}`
    })`,
    ok: false,
  };
}

/** Temporary lakes and spec directories of a suite run; removed at the end unless `keep`. */
const created: string[] = [];

export async function runSuite(env: ChaosEnv, only?: string[], keep = false): Promise<ChaosRow[]> {
  try {
    return await suite(env, only);
  } finally {
    if (!keep) for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

async function suite(env: ChaosEnv, only?: string[]): Promise<ChaosRow[]> {
  const want = (n: string) => !only?.length || only.includes(n);
  const rows: ChaosRow[] = [];
  env.log(`chaos: clean run, ${env.symbols} symbols, ${env.date}`);
  const clean = await dailyRun(env, { label: 'clean' });
  created.push(clean.lake, clean.specs.dir);
  if (!clean.result) throw new Error(`the clean run failed, no reference Gold: ${clean.error?.message}`);
  rows.push({
    experiment: 'clean',
    goal: 'reference run, no fault',
    wallMs: clean.wallMs,
    rowsLost: 0,
    rowsDuplicated: 0,
    goldEqual: 'reference',
    closeSource: clean.result.summary.closeSource,
    ok: true,
    note: `${clean.result.summary.rows} Gold rows, score ${clean.result.summary.score?.toFixed(2)} ${clean.result.summary.band}`,
  });

  for (const e of experiments.filter((x) => want(x.name))) {
    env.log(`chaos: ${e.name}`);
    const r = await dailyRun(env, { ...e, seedFrom: clean.lake });
    created.push(r.lake, r.specs.dir);
    const m = e.measure({ obs: r.obs, simAt: r.simAt, hook: r.hook });
    const row: ChaosRow = {
      experiment: e.name,
      goal: e.goal,
      detectionMs: m.detectionMs,
      recoveryMs: m.recoveryMs,
      wallMs: r.wallMs,
      extraMs: r.wallMs - clean.wallMs,
      goldEqual: '-',
      ok: false,
      note: m.note ?? '',
      limits: e.limits,
    };
    if (r.error) {
      row.error = r.error.message;
      row.note = `${row.note}; job failed: ${r.error.message.split('\n')[0]}`;
    } else {
      const d = await compareGold(env.python, clean.lake, r.lake, env.date);
      const v = verdict(d, e.lineageMayDiffer ?? false);
      Object.assign(row, {
        diff: d,
        rowsLost: d.lost,
        rowsDuplicated: d.duplicated,
        goldEqual: v.goldEqual,
        ok: v.ok,
        closeSource: r.result!.summary.closeSource,
      });
      const within = (v?: number, max?: number) => max === undefined || (v !== undefined && v <= max);
      if (!within(m.detectionMs, e.limits?.detectionMs) || !within(m.recoveryMs, e.limits?.recoveryMs))
        row.ok = false;
    }
    rows.push(row);
  }

  if (want('gold-sigkill-rerun')) {
    env.log('chaos: gold-sigkill-rerun');
    const k = await goldKillRerun(clean.lake, env.date);
    created.push(...k.lakes);
    const row: ChaosRow = {
      experiment: 'gold-sigkill-rerun',
      goal: 'the Gold stage (child process) is SIGKILLed while its commit is written, then rerun → Gold = clean, 0 lost, 0 duplicated',
      recoveryMs: k.recoveryMs,
      wallMs: k.rerunMs,
      goldEqual: '-',
      ok: false,
      note: k.killed
        ? `SIGKILL landed: ${k.landed} (attempt ${k.attempts}); recovery = kill → rerun committed`
        : `never killed in ${k.attempts} attempts (the child finished first)`,
    };
    if (k.error) row.error = k.error;
    else {
      const d = await compareGold(env.python, clean.lake, k.lake, env.date);
      const v = verdict(d, false);
      Object.assign(row, {
        diff: d,
        rowsLost: d.lost,
        rowsDuplicated: d.duplicated,
        goldEqual: v.goldEqual,
        ok: v.ok && k.killed,
      });
    }
    rows.push(row);
  }
  return rows;
}

const s = (ms?: number) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);

/** The measured table, as printed by `npm run chaos`. */
export function formatTable(rows: ChaosRow[]): string {
  const head = [
    'experiment',
    'detection',
    'recovery',
    'extra wall',
    'rows lost',
    'rows dup',
    'Gold = clean?',
    'ok',
  ];
  const body = rows.map((r) => [
    r.experiment,
    s(r.detectionMs),
    s(r.recoveryMs),
    r.experiment === 'clean' ? `(${s(r.wallMs)})` : s(r.extraMs),
    r.rowsLost === undefined ? '-' : String(r.rowsLost),
    r.rowsDuplicated === undefined ? '-' : String(r.rowsDuplicated),
    r.error ? 'FAILED' : r.goldEqual,
    r.ok ? 'yes' : 'NO',
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i])).join(' | ');
  const notes = rows.map(
    (r) =>
      `- ${r.experiment}: ${r.note}${r.error ? `\n    error: ${r.error.split('\n')[0]}` : ''}${r.closeSource ? `\n    close_source: ${JSON.stringify(r.closeSource)}` : ''}`,
  );
  return [line(head), width.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line), '', ...notes].join(
    '\n',
  );
}

/**
 * "Engine SIGKILL during the Gold commit, then rerun": the clean run's Bronze tables are copied to
 * a fresh lake, and the Gold stage runs there as a child process (gold-child.ts).
 *
 * Each attempt SIGKILLs a fresh child the moment its first Gold data file appears; the commit
 * entry (a `_delta_log` JSON with `add` actions) follows within a few ms, so whether the kill
 * lands before or after it is up to the scheduler (random). Up to 6 attempts are made, until one
 * leaves a data file without its commit; the stage is then rerun to completion and suite.ts
 * compares the result with the clean Gold.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../bronze/harness.ts';

export interface GoldKill {
  lake: string;
  /** Every lake made (attempts), for clean-up. */
  lakes: string[];
  /** The child died by our SIGKILL (false: it finished first). */
  killed: boolean;
  /** Where the kill landed: no Gold file yet, data files but no commit, or after the commit. */
  landed: 'before data' | 'data written, not committed' | 'after commit' | 'not killed';
  attempts: number;
  /** Kill → rerun committed the day. */
  recoveryMs: number;
  rerunMs: number;
  error?: string;
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

interface Child {
  proc: ReturnType<typeof spawn>;
  started: Promise<number>;
  done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

function child(lake: string, date: string): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/chaos/gold-child.ts'), lake, date],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = new Promise<number>((resolve) => {
    proc.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('gold-start')) resolve(Date.now());
    });
  });
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { proc, started, done };
}

function freshLake(cleanLake: string): string {
  const lake = mkdtempSync(join(tmpdir(), 'argus-chaos-lake-gold-kill-'));
  cpSync(join(cleanLake, 'bronze'), join(lake, 'bronze'), { recursive: true });
  return lake;
}

/** A log entry that adds data files (version 0 may only create the table). */
const committed = (gold: string) =>
  files(join(gold, '_delta_log'))
    .filter((f) => f.endsWith('.json'))
    .some((f) => readFileSync(join(gold, '_delta_log', f), 'utf8').includes('"add"'));

export async function goldKillRerun(cleanLake: string, date: string): Promise<GoldKill> {
  let lake = '';
  const lakes: string[] = [];
  let landed: GoldKill['landed'] = 'not killed';
  let killAt = 0;
  let attempts = 0;
  for (; attempts < 6 && landed !== 'data written, not committed';) {
    attempts++;
    lake = freshLake(cleanLake);
    lakes.push(lake);
    const gold = join(lake, 'gold/a_share_daily');
    const c = child(lake, date);
    let exited = false;
    void c.done.then(() => (exited = true));
    // Kill the moment the first Gold data file appears: the window until the commit entry is a
    // few ms, so the poll is tight (1 ms).
    while (!exited) {
      if (files(gold).some((f) => f.endsWith('.parquet'))) {
        killAt = Date.now();
        c.proc.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await c.done;
    // Judged on what the kill left on disk.
    landed = committed(gold)
      ? 'after commit'
      : files(gold).some((f) => f.endsWith('.parquet'))
        ? 'data written, not committed'
        : 'before data';
    const r = await c.done;
    if (r.signal !== 'SIGKILL') {
      landed = 'not killed';
      if (r.code !== 0)
        return {
          lake,
          lakes,
          killed: false,
          landed,
          attempts,
          recoveryMs: 0,
          rerunMs: 0,
          error: `gold child failed: ${r.stderr.trim().split('\n').at(-1)}`,
        };
    }
  }
  const t0 = Date.now();
  const r2 = await child(lake, date).done;
  const end = Date.now();
  return {
    lake,
    lakes,
    killed: landed !== 'not killed',
    landed,
    attempts,
    recoveryMs: end - (killAt || t0),
    rerunMs: end - t0,
    error:
      r2.code === 0
        ? undefined
        : `gold rerun failed (exit ${r2.code}): ${r2.stderr.trim().split('\n').slice(-3).join(' | ')}`,
  };
}

/**
 * "Engine SIGKILL during the Gold commit, then rerun": the clean run's Bronze tables are copied to
 * a fresh lake, the Gold stage runs as a child process (gold-child.ts), and the moment the first Gold
 * data file appears (the commit is being written) it is SIGKILLed after a random 0–2 ms (the
 * window between the data files and the _delta_log entry is a few ms for a 200-symbol day). The stage
 * is then rerun to completion; suite.ts compares the result with the clean Gold.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../bronze/harness.ts';

export interface GoldKill {
  lake: string;
  /** The child died by our SIGKILL (false: it finished first). */
  killed: boolean;
  /** A Gold commit (a _delta_log entry) existed when the kill landed. */
  committedAtKill: boolean;
  /** Kill → rerun committed the day. */
  recoveryMs: number;
  rerunMs: number;
  error?: string;
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

function child(
  lake: string,
  date: string,
): {
  proc: ReturnType<typeof spawn>;
  done: Promise<{ code: number | null; signal: string | null; stderr: string }>;
} {
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
  proc.stdout!.resume();
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { proc, done };
}

export async function goldKillRerun(cleanLake: string, date: string, rand = Math.random): Promise<GoldKill> {
  const lake = mkdtempSync(join(tmpdir(), 'argus-chaos-lake-gold-kill-'));
  cpSync(join(cleanLake, 'bronze'), join(lake, 'bronze'), { recursive: true });
  const gold = join(lake, 'gold/a_share_daily');
  const first = child(lake, date);
  let exited = false;
  void first.done.then(() => (exited = true));
  let killAt = 0;
  let committedAtKill = false;
  while (!exited) {
    if (files(gold).some((f) => f.endsWith('.parquet'))) {
      const delay = rand() < 0.5 ? 0 : Math.floor(rand() * 3);
      if (delay) await new Promise((r) => setTimeout(r, delay));
      committedAtKill = files(join(gold, '_delta_log')).some((f) => f.endsWith('.json'));
      killAt = Date.now();
      first.proc.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const r1 = await first.done;
  const killed = r1.signal === 'SIGKILL';
  if (!killed && r1.code !== 0)
    return {
      lake,
      killed,
      committedAtKill,
      recoveryMs: 0,
      rerunMs: 0,
      error: `gold child failed before the kill: ${r1.stderr.trim().split('\n').at(-1)}`,
    };
  const t0 = Date.now();
  const second = child(lake, date);
  const r2 = await second.done;
  const end = Date.now();
  return {
    lake,
    killed,
    committedAtKill,
    recoveryMs: end - (killAt || t0),
    rerunMs: end - t0,
    error:
      r2.code === 0
        ? undefined
        : `gold rerun failed (exit ${r2.code}): ${r2.stderr.trim().split('\n').slice(-3).join(' | ')}`,
  };
}

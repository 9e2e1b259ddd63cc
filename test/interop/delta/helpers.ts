/**
 * Interop test helpers: run the Python peers (delta-rs, DuckDB + delta extension) from the
 * project venv and normalise rows the same way on both sides (see py/common.py).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Rec } from '../../../engine/api/batch.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..', '..');

/** The venv interpreter: ARGUS_PYTHON, else `<ARGUS_HOME or .argus>/venv/bin/python`. */
export function python(): string {
  const home = process.env.ARGUS_HOME ? resolve(process.env.ARGUS_HOME) : join(repoRoot, '.argus');
  const p = process.env.ARGUS_PYTHON ?? join(home, 'venv', 'bin', 'python');
  if (!existsSync(p)) {
    throw new Error(
      `Python venv not found at ${p}: run \`npm run services -- install venv\` (deltalake, duckdb, duckdb-extension-delta from infra/python/requirements.txt)`,
    );
  }
  return p;
}

/** Runs `py/<script>.py <cmd> <json>` and parses its JSON output. */
export async function py<T = unknown>(script: string, cmd: string, arg: unknown): Promise<T> {
  try {
    const { stdout } = await run(python(), [join(here, 'py', `${script}.py`), cmd, JSON.stringify(arg)], {
      maxBuffer: 256 * 1024 * 1024,
      cwd: join(here, 'py'),
    });
    return JSON.parse(stdout) as T;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `${script}.py ${cmd} failed: ${err.stderr?.split('\n').slice(-6).join('\n') ?? err.message}`,
    );
  }
}

/** Canonical form of an Argus value (matches py/common.py `canon`). */
export function canon(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}

export function canonRows(rows: readonly Rec[]): Rec[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, canon(v)])));
}

/** Rows sorted by their canonical JSON with keys in a fixed order, for order-insensitive equality. */
export function sorted(rows: readonly Rec[]): string[] {
  return rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => [k, r[k]]),
      ),
    )
    .sort();
}

/** A fresh temp directory (removed by the returned cleanup). */
export function tempDir(prefix = 'argus-delta-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

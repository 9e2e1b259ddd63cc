/**
 * The `_delta_log` directory: listing, reading commits and put-if-absent commits
 * (P §Delta Log Entries, §Creation of New Log Entries).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Action } from './types.ts';

export const LOG_DIR = '_delta_log';

export const pad20 = (v: number) => String(v).padStart(20, '0');
export const commitFile = (root: string, v: number) => join(root, LOG_DIR, `${pad20(v)}.json`);

export interface CheckpointRef {
  version: number;
  /** Files of the checkpoint (one for classic, n for multi-part). */
  files: string[];
}

export interface LogListing {
  commits: number[]; // ascending
  checkpoints: CheckpointRef[]; // ascending by version, complete ones only
}

const COMMIT_RE = /^(\d{20})\.json$/;
const CP_RE = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_RE = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;

/** Lists commits and complete checkpoints; ignores everything else (`.crc`, `*.tmp`, V2 sidecars). */
export async function listLog(root: string): Promise<LogListing> {
  let names: string[];
  try {
    names = await fs.readdir(join(root, LOG_DIR));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`not a Delta table: ${root} has no ${LOG_DIR}`);
    throw e;
  }
  const commits: number[] = [];
  const single = new Map<number, string>();
  const multi = new Map<string, string[]>();
  for (const n of names) {
    let m = COMMIT_RE.exec(n);
    if (m) {
      commits.push(Number(m[1]));
      continue;
    }
    m = CP_RE.exec(n);
    if (m) {
      single.set(Number(m[1]), n);
      continue;
    }
    m = MULTI_RE.exec(n);
    if (m) {
      const key = `${Number(m[1])}/${Number(m[3])}`;
      const parts = multi.get(key) ?? [];
      parts[Number(m[2]) - 1] = n;
      multi.set(key, parts);
    }
  }
  commits.sort((a, b) => a - b);
  const checkpoints: CheckpointRef[] = [...single].map(([version, f]) => ({ version, files: [join(root, LOG_DIR, f)] }));
  for (const [key, parts] of multi) {
    const [v, total] = key.split('/').map(Number);
    if (parts.filter(Boolean).length === total) checkpoints.push({ version: v, files: parts.map((p) => join(root, LOG_DIR, p)) });
  }
  checkpoints.sort((a, b) => a.version - b.version);
  return { commits, checkpoints };
}

/** Parses a commit file; tolerates a missing trailing newline and blank lines. */
export async function readCommit(root: string, version: number): Promise<Action[]> {
  const text = await fs.readFile(commitFile(root, version), 'utf8');
  const out: Action[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Action);
    } catch (e) {
      throw new Error(`${commitFile(root, version)}: unparsable action line (${(e as Error).message})`);
    }
  }
  return out;
}

/** Commit file text: one single-line JSON action per line. */
export function serializeActions(actions: readonly Action[]): string {
  return actions.map((a) => JSON.stringify(a)).join('\n') + '\n';
}

/**
 * Writes `text` to `target` only if `target` does not exist, atomically: readers see either
 * nothing or the whole file. A fully written, fsynced temp file is hard-linked into place
 * (link fails with EEXIST when another writer won), like object_store's local PutMode::Create.
 * @returns false if the target already existed (lost the race)
 */
export async function putIfAbsent(target: string, text: string | Uint8Array, tmpDir: string): Promise<boolean> {
  const tmp = join(tmpDir, `_commit_${randomUUID()}.json.tmp`);
  const h = await fs.open(tmp, 'wx');
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await fs.link(tmp, target);
    await fsyncDir(tmpDir);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.unlink(tmp).catch(() => {});
  }
}

/** Makes a directory entry (new link or rename) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Writes a file durably (temp + fsync + rename), for data files, checkpoints and hints. */
export async function writeDurable(target: string, bytes: string | Uint8Array): Promise<void> {
  const tmp = `${target}.${randomUUID().slice(0, 8)}.tmp`;
  const h = await fs.open(tmp, 'wx');
  try {
    await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
  await fs.rename(tmp, target);
}

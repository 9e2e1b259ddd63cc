/**
 * Process-wide cache of the *latest* replayed snapshot per table path.
 *
 * Why: every backfill chunk builds a new Engine and every delta source/sink (and every write,
 * through its pre-commit snapshot) replays the table's log again: decoding the checkpoint's nested
 * add/stats structs was ~12% of a Gold chunk although most tables had not changed. Commit files are
 * immutable once written (put-if-absent), so the state at version v never changes; the loader
 * probes for the commits after the cached version on every open (that is how it learns the latest
 * version, also for commits made by other processes) and replays only those.
 *
 * Safety:
 * - Callers never see the cached containers: {@link loadSnapshot} hands out fresh Maps, and the
 *   action objects inside (adds, removes, txns, protocol, metaData) are frozen, so a caller that
 *   tried to mutate one would fail loudly instead of corrupting later opens.
 * - A table deleted and recreated at the same path is detected by the identity (inode, size, mtime)
 *   of the cached version's log file, and by the latest version going backwards.
 * - Bounded: LRU by table count and by total live files + tombstones held.
 *
 * `ARGUS_DELTA_SNAPSHOT_CACHE=0` turns it off (e.g. to compare with and without in one run).
 *
 * @example
 * configureSnapshotCache({ maxTables: 8 });
 * snapshotCacheStats(); // { hits, replays, misses, tables, files }
 */
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import type { Snapshot } from './snapshot.ts';

interface Entry {
  /** Internal state at `snap.version`; its Maps are never handed out. */
  snap: Snapshot;
  /** Identity of the log file that defines `snap.version` (see {@link logFileMark}). */
  mark: string;
  size: number;
}

const entries = new Map<string, Entry>(); // Map order = LRU order (oldest first)
const envTables = Number(process.env.ARGUS_DELTA_SNAPSHOT_CACHE ?? 32);
let maxTables = Number.isFinite(envTables) && envTables >= 0 ? envTables : 32;
// ~1–2 KB per add (stats JSON): 100k files ≈ 150 MB worst case; the 5-year lake holds ~20k in all.
let maxFiles = 100_000;
let heldFiles = 0;
const stats = { hits: 0, replays: 0, misses: 0 };

export const cacheKey = (root: string) => resolve(root);

/** Sets the bounds (0 tables disables the cache); evicts what no longer fits. */
export function configureSnapshotCache(opts: { maxTables?: number; maxFiles?: number }): void {
  if (opts.maxTables !== undefined) maxTables = opts.maxTables;
  if (opts.maxFiles !== undefined) maxFiles = opts.maxFiles;
  evict();
}

/** Drops every cached snapshot and resets the counters. */
export function clearSnapshotCache(): void {
  entries.clear();
  heldFiles = 0;
  stats.hits = stats.replays = stats.misses = 0;
}

/** Counters since the last clear: full hits, incremental replays, full loads. */
export function snapshotCacheStats(): { hits: number; replays: number; misses: number; tables: number; files: number } {
  return { ...stats, tables: entries.size, files: heldFiles };
}

export function countLoad(kind: 'hits' | 'replays' | 'misses'): void {
  stats[kind]++;
}

/** The cached entry for a table (marked most recently used), if caching is on. */
export function cached(key: string): Entry | undefined {
  const e = entries.get(key);
  if (!e) return undefined;
  entries.delete(key);
  entries.set(key, e);
  return e;
}

export function forget(key: string): void {
  const e = entries.get(key);
  if (!e) return;
  entries.delete(key);
  heldFiles -= e.size;
}

/** Stores the latest snapshot of a table unless a newer one is already cached (concurrent loads). */
export function remember(key: string, snap: Snapshot, mark: string): void {
  if (maxTables <= 0) return;
  const old = entries.get(key);
  if (old && old.snap.version > snap.version) return;
  forget(key);
  const size = snap.files.size + snap.tombstones.size;
  if (size > maxFiles) return;
  entries.set(key, { snap, mark, size });
  heldFiles += size;
  evict();
}

function evict(): void {
  for (const [k] of entries) {
    if (entries.size <= maxTables && heldFiles <= maxFiles) break;
    forget(k);
  }
}

/** `ino:size:mtime` of a log file: changes if the table was deleted and recreated. */
export async function logFileMark(file: string | undefined): Promise<string> {
  if (!file) return '';
  try {
    const s = await fs.stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return '';
  }
}

/** A caller-owned copy: fresh containers around the shared, frozen action objects. */
export function handOut(s: Snapshot, fields: Snapshot['fields']): Snapshot {
  return {
    ...s,
    files: new Map(s.files),
    tombstones: new Map(s.tombstones),
    txns: new Map(s.txns),
    fields,
    partitionColumns: [...s.partitionColumns],
  };
}

/** Freezes an action object and its nested plain objects/arrays (they end up shared via the cache). */
export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

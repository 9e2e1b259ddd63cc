/**
 * Log replay (P §Action Reconciliation): newest complete checkpoint ≤ target, then contiguous
 * JSON commits up to the target. The latest protocol/metaData win; for each path the newest
 * add/remove wins; the newest txn per appId wins.
 */
import { promises as fs } from 'node:fs';
import { commitFile, listLog, readCommit, type LogListing } from './log.ts';
import { cached, cacheKey, countLoad, deepFreeze, forget, handOut, logFileMark, remember } from './snapshot-cache.ts';
import { readCheckpoint } from './checkpoint.ts';
import { parseSchema, checkReadable } from './schema.ts';
import type { Action, Add, Field, Metadata, Protocol, Remove, Txn } from './types.ts';

export interface Snapshot {
  root: string;
  version: number;
  protocol: Protocol;
  metadata: Metadata;
  fields: Field[];
  partitionColumns: string[];
  /** Live files by `add.path` (raw string, as kernel matches). */
  files: Map<string, Add>;
  /** Removes newer than the files they removed (tombstones), by path. */
  tombstones: Map<string, Remove>;
  txns: Map<string, Txn>;
}

/**
 * A snapshot shared with the cache (see {@link sharedSnapshot}): the same Maps and fields for
 * every reader of the version, so read it and never change it.
 */
export type SharedSnapshot = Readonly<Pick<Snapshot, 'root' | 'version' | 'protocol' | 'metadata'>> & {
  readonly fields: readonly Field[];
  readonly partitionColumns: readonly string[];
  readonly files: ReadonlyMap<string, Add>;
  readonly tombstones: ReadonlyMap<string, Remove>;
  readonly txns: ReadonlyMap<string, Txn>;
};

type Building = Omit<Snapshot, 'fields' | 'partitionColumns' | 'protocol' | 'metadata'> & { protocol?: Protocol; metadata?: Metadata };

/**
 * Replays one action onto a snapshot under construction. Action objects are frozen: snapshots
 * share them (see snapshot-cache.ts), so nobody may mutate one.
 */
export function applyAction(s: Building, a: Action): void {
  if (a.add) {
    if (a.add.deletionVector) throw new Error(`${s.root}: file ${a.add.path} has a deletion vector (unsupported reader feature)`);
    s.files.set(a.add.path, deepFreeze(a.add));
    s.tombstones.delete(a.add.path);
  } else if (a.remove) {
    s.files.delete(a.remove.path);
    s.tombstones.set(a.remove.path, deepFreeze(a.remove));
  } else if (a.metaData) s.metadata = deepFreeze(a.metaData);
  else if (a.protocol) s.protocol = deepFreeze(a.protocol);
  else if (a.txn) s.txns.set(a.txn.appId, deepFreeze(a.txn));
}

/**
 * The table state at `version` (default: latest). The latest state is cached per table; the log
 * after it is probed (so commits of other processes are seen) and only newer commits are replayed
 * on top of it (snapshot-cache.ts); without a usable cache entry the log is listed. The result is the caller's own (fresh Maps, frozen actions).
 * @example const snap = await loadSnapshot('/lake/gold/a_share_daily'); snap.files.size
 */
export async function loadSnapshot(root: string, version?: number): Promise<Snapshot> {
  const s = await loadState(root, version);
  return handOut(s, parseSchema(s.metadata.schemaString).fields);
}

/**
 * {@link loadSnapshot} without the caller's own copy: the cached state itself (and its parsed
 * schema, parsed once per state). For readers that look things up in every call, e.g. a table
 * read partition by partition, where copying thousands of log entries per read added up.
 * @example const { files } = await sharedSnapshot('/lake/bronze/tushare_daily', 42);
 */
export async function sharedSnapshot(root: string, version?: number): Promise<SharedSnapshot> {
  const s = await loadState(root, version);
  let fields = parsedFields.get(s);
  if (!fields) parsedFields.set(s, (fields = parseSchema(s.metadata.schemaString).fields));
  return { ...s, fields };
}

const parsedFields = new WeakMap<Snapshot, Field[]>();

/** The state at `version`, shared with the cache when it is the cached one (fields not parsed). */
async function loadState(root: string, version?: number): Promise<Snapshot> {
  const { commits, checkpoints } = (await probeAfterCached(root, version)) ?? (await listLog(root));
  const latest = Math.max(commits.at(-1) ?? -1, checkpoints.at(-1)?.version ?? -1);
  if (latest < 0) throw new Error(`${root}: the Delta log is empty`);
  const target = version ?? latest;
  if (target > latest || target < 0) throw new Error(`${root}: version ${target} does not exist (latest is ${latest})`);
  const key = cacheKey(root);
  const have = new Set(commits);
  const markOf = (v: number) => logFileMark(have.has(v) ? commitFile(root, v) : checkpoints.find((c) => c.version === v)?.files[0]);
  const hit = cached(key);
  let s: Building | undefined;
  let from = 0;
  if (hit && hit.snap.version <= target) {
    // Reusable only if it is the same table (not deleted and recreated) and the commits after it are all there.
    let ok = hit.mark !== '' && (await markOf(hit.snap.version)) === hit.mark;
    for (let v = hit.snap.version + 1; ok && v <= target; v++) ok = have.has(v);
    if (ok) {
      if (hit.snap.version === target) {
        countLoad('hits');
        return hit.snap;
      }
      countLoad('replays');
      s = { ...handOut(hit.snap, []), version: target };
      from = hit.snap.version + 1;
    } else forget(key);
  } else if (hit && hit.snap.version > latest) forget(key);
  if (!s) {
    countLoad('misses');
    const cp = checkpoints.filter((c) => c.version <= target).at(-1);
    s = { root, version: target, files: new Map<string, Add>(), tombstones: new Map<string, Remove>(), txns: new Map<string, Txn>() };
    if (cp) {
      for (const a of await readCheckpoint(cp.files)) applyAction(s, a);
      from = cp.version + 1;
    }
    for (let v = from; v <= target; v++) {
      if (!have.has(v)) {
        throw new Error(`${root}: commit ${v} is missing (needed to reach version ${target}${cp ? ` from checkpoint ${cp.version}` : ''})`);
      }
    }
  }
  // Commits are independent files: read them concurrently, apply in order.
  const batches = await Promise.all(Array.from({ length: target - from + 1 }, (_, i) => readCommit(root, from + i)));
  for (const actions of batches) for (const a of actions) applyAction(s, a);
  if (!s.protocol || !s.metadata) throw new Error(`${root}: no protocol/metaData at version ${target}`);
  checkReadable(s.protocol, root);
  const snap: Snapshot = { ...(s as Snapshot), fields: [], partitionColumns: [...(s.metadata.partitionColumns ?? [])] };
  // Only the latest state is cached: time travel to an older version never evicts or replaces it.
  if (target === latest) remember(key, snap, await markOf(target));
  return snap;
}

/**
 * The log after the cached latest version, found by probing `v+1.json`, `v+2.json`, … instead of
 * listing `_delta_log`: commits are contiguous (put-if-absent), so the first missing one ends the
 * log. A table with years of daily commits holds thousands of log files, and listing them was ~5%
 * of a backfill that opens its tables after every write. Undefined (list the log) when nothing is
 * cached, the cached version's file is not the one cached (the table was recreated or cleaned up),
 * or the request is for an older version or one the probe did not find (so errors stay the listing's).
 */
async function probeAfterCached(root: string, version: number | undefined): Promise<LogListing | undefined> {
  const hit = cached(cacheKey(root));
  if (!hit || hit.mark === '' || (version !== undefined && version < hit.snap.version)) return undefined;
  if ((await logFileMark(commitFile(root, hit.snap.version))) !== hit.mark) return undefined;
  const commits = [hit.snap.version];
  for (;;) {
    const next = commits.at(-1)! + 1;
    try {
      await fs.access(commitFile(root, next));
    } catch {
      break;
    }
    commits.push(next);
  }
  return version !== undefined && version > commits.at(-1)! ? undefined : { commits, checkpoints: [] };
}

/** Parses `interval 7 days` style durations (delta.*RetentionDuration) to milliseconds. */
export function parseInterval(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  const m = /^\s*(?:interval\s+)?(\d+)\s*(\w+?)s?\s*$/i.exec(text);
  if (!m) return fallbackMs;
  const unit: Record<string, number> = {
    millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000,
  };
  return Number(m[1]) * (unit[m[2].toLowerCase()] ?? NaN) || fallbackMs;
}

/** The actions a checkpoint at this snapshot holds: protocol, metaData, txns, live adds, unexpired removes. */
export function checkpointActions(s: Snapshot, now = Date.now()): Action[] {
  const retention = parseInterval(s.metadata.configuration?.['delta.deletedFileRetentionDuration'], 604_800_000);
  const out: Action[] = [{ protocol: s.protocol }, { metaData: s.metadata }];
  for (const t of s.txns.values()) out.push({ txn: t });
  for (const a of s.files.values()) out.push({ add: { ...a, dataChange: false } });
  for (const r of s.tombstones.values()) {
    if ((r.deletionTimestamp ?? 0) > now - retention) out.push({ remove: { ...r, dataChange: false } });
  }
  return out;
}

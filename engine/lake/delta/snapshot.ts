/**
 * Log replay (P §Action Reconciliation): newest complete checkpoint ≤ target, then contiguous
 * JSON commits up to the target. The latest protocol/metaData win; for each path the newest
 * add/remove wins; the newest txn per appId wins.
 */
import { listLog, readCommit } from './log.ts';
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

/** Replays one action onto a snapshot under construction. */
export function applyAction(s: Omit<Snapshot, 'fields' | 'partitionColumns' | 'protocol' | 'metadata'> & { protocol?: Protocol; metadata?: Metadata }, a: Action): void {
  if (a.add) {
    if (a.add.deletionVector) throw new Error(`${s.root}: file ${a.add.path} has a deletion vector (unsupported reader feature)`);
    s.files.set(a.add.path, a.add);
    s.tombstones.delete(a.add.path);
  } else if (a.remove) {
    s.files.delete(a.remove.path);
    s.tombstones.set(a.remove.path, a.remove);
  } else if (a.metaData) s.metadata = a.metaData;
  else if (a.protocol) s.protocol = a.protocol;
  else if (a.txn) s.txns.set(a.txn.appId, a.txn);
}

/**
 * The table state at `version` (default: latest).
 * @example const snap = await loadSnapshot('/lake/gold/a_share_daily'); snap.files.size
 */
export async function loadSnapshot(root: string, version?: number): Promise<Snapshot> {
  const { commits, checkpoints } = await listLog(root);
  const latest = Math.max(commits.at(-1) ?? -1, checkpoints.at(-1)?.version ?? -1);
  if (latest < 0) throw new Error(`${root}: the Delta log is empty`);
  const target = version ?? latest;
  if (target > latest || target < 0) throw new Error(`${root}: version ${target} does not exist (latest is ${latest})`);
  const cp = checkpoints.filter((c) => c.version <= target).at(-1);
  const s = { root, version: target, files: new Map<string, Add>(), tombstones: new Map<string, Remove>(), txns: new Map<string, Txn>() } as Parameters<typeof applyAction>[0];
  let from = 0;
  if (cp) {
    for (const a of await readCheckpoint(cp.files)) applyAction(s, a);
    from = cp.version + 1;
  }
  const have = new Set(commits);
  for (let v = from; v <= target; v++) {
    if (!have.has(v)) {
      throw new Error(`${root}: commit ${v} is missing (needed to reach version ${target}${cp ? ` from checkpoint ${cp.version}` : ''})`);
    }
  }
  // Commits are independent files: read them concurrently, apply in order.
  const batches = await Promise.all(Array.from({ length: target - from + 1 }, (_, i) => readCommit(root, from + i)));
  for (const actions of batches) for (const a of actions) applyAction(s, a);
  if (!s.protocol || !s.metadata) throw new Error(`${root}: no protocol/metaData at version ${target}`);
  checkReadable(s.protocol, root);
  const fields = parseSchema(s.metadata.schemaString).fields;
  return { ...(s as Snapshot), fields, partitionColumns: s.metadata.partitionColumns ?? [] };
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

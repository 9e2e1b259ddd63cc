/**
 * Optimistic commits: put-if-absent at readVersion+1; on losing the race, check each winning
 * commit for conflicts (delta-rs `conflict_checker.rs` a–f, brief §3) and retry at the next
 * version with the same actions, up to 40 times, after a short random pause that grows with each
 * loss: without it, writers that commit in a tight loop can starve one of them (4 processes ×
 * 50 appends once lost 15 races in a row).
 */
import { commitFile, listLog, putIfAbsent, readCommit, serializeActions, LOG_DIR } from './log.ts';
import { join } from 'node:path';
import type { Action, CommitInfo } from './types.ts';
import { DeltaConflictError } from './types.ts';

export interface CommitPlan {
  /** Data actions (commitInfo is added first by `commit`). */
  actions: Action[];
  operation: string;
  operationParameters: Record<string, unknown>;
  /** Version the plan was made against; -1 creates the table. */
  readVersion: number;
  /** True for pure appends: only protocol/metaData/txn changes by others conflict. */
  isBlindAppend: boolean;
  /** Partition filter the plan read (replace/delete/optimize): others' adds matching it conflict. */
  readsPartition?: (partitionValues: Record<string, string | null>) => boolean;
  /** Paths the plan read or removes: others' removes of them conflict. */
  readPaths?: Set<string>;
  /** Extra commitInfo fields (e.g. engineInfo, userMetadata). */
  info?: Record<string, unknown>;
}

export interface CommitResult {
  version: number;
  /** Commits lost to concurrent writers before this one won. */
  retries: number;
}

const MAX_TRIES = 40;

/** Random pause before retry `tries` (ms): up to 1, 2, 4, … capped at 50 ms. */
const backoff = (tries: number) =>
  new Promise<void>((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** tries)));

/** Checks one winning commit against a plan; throws {@link DeltaConflictError} if it conflicts. */
export function checkConflicts(plan: CommitPlan, winner: readonly Action[], winnerVersion: number): void {
  const myApps = new Set(plan.actions.filter((a) => a.txn).map((a) => a.txn!.appId));
  const blind = winner.find((a) => a.commitInfo)?.commitInfo?.isBlindAppend === true;
  for (const a of winner) {
    if (a.protocol) throw new DeltaConflictError('ProtocolChanged', `version ${winnerVersion} changed the protocol`);
    if (a.metaData) throw new DeltaConflictError('MetadataChanged', `version ${winnerVersion} changed the table metadata`);
    if (a.txn && myApps.has(a.txn.appId)) {
      throw new DeltaConflictError('ConcurrentTransaction', `version ${winnerVersion} committed txn ${a.txn.appId}=${a.txn.version}`);
    }
    if (plan.isBlindAppend) continue;
    if (a.add && a.add.dataChange !== false && !blind && plan.readsPartition?.(a.add.partitionValues ?? {})) {
      throw new DeltaConflictError('ConcurrentAppend', `version ${winnerVersion} added ${a.add.path} to a partition this commit read`);
    }
    // WriteSerializable would ignore blind appends; we replace partitions, so an appended file
    // there would survive the replace: treat it as a conflict too and let the caller re-plan.
    if (a.add && a.add.dataChange !== false && blind && plan.readsPartition?.(a.add.partitionValues ?? {})) {
      throw new DeltaConflictError('ConcurrentAppend', `version ${winnerVersion} appended ${a.add.path} to a partition this commit replaces`);
    }
    if (a.remove && plan.readPaths?.has(a.remove.path)) {
      throw new DeltaConflictError('ConcurrentDeleteRead', `version ${winnerVersion} removed ${a.remove.path}, which this commit read`);
    }
  }
}

/**
 * Commits a plan; returns the version it landed at.
 * @example await commit(root, { actions, operation: 'WRITE', operationParameters: { mode: 'Append' }, readVersion: 3, isBlindAppend: true })
 */
export async function commit(root: string, plan: CommitPlan): Promise<CommitResult> {
  let version = plan.readVersion + 1;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const info: CommitInfo = {
      timestamp: Date.now(),
      operation: plan.operation,
      operationParameters: Object.fromEntries(
        Object.entries(plan.operationParameters).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ),
      ...(plan.readVersion >= 0 ? { readVersion: plan.readVersion } : {}),
      isolationLevel: 'Serializable',
      isBlindAppend: plan.isBlindAppend,
      engineInfo: 'argus-delta',
      ...plan.info,
    };
    const text = serializeActions([{ commitInfo: info }, ...plan.actions]);
    if (await putIfAbsent(commitFile(root, version), text, join(root, LOG_DIR))) return { version, retries: tries };
    if (plan.readVersion < 0) throw new DeltaConflictError('MetadataChanged', `${root}: the table was created concurrently`);
    // Check every winner up to the latest commit, then retry right after it (like delta-rs),
    // so a writer far behind does not spend one try per version it missed.
    const latest = Math.max(version, (await listLog(root)).commits.at(-1) ?? version);
    for (let v = version; v <= latest; v++) checkConflicts(plan, await readCommit(root, v), v);
    version = latest + 1;
    await backoff(tries);
  }
  throw new DeltaConflictError('TooManyRetries', `${root}: gave up after ${MAX_TRIES} concurrent commits`);
}

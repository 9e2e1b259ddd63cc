/**
 * Maintenance: `optimize` compacts small files per partition (dataChange=false, so streaming
 * readers ignore it), `vacuum` deletes files no version within the retention period needs.
 */
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Rec } from '../../api/batch.ts';
import { commit } from './commit.ts';
import { LOG_DIR } from './log.ts';
import { decodeAddPath, parsePartitionValue } from './partitions.ts';
import { readParquet } from './parquet/read.ts';
import { compilePredicate, type PartitionPredicate } from './predicate.ts';
import { checkWritable } from './schema.ts';
import { loadSnapshot, parseInterval } from './snapshot.ts';
import type { Action, Add } from './types.ts';
import { primOf } from './values.ts';
import { dataSpecs, writeDataFiles } from './write-files.ts';

export interface OptimizeOptions {
  /** Files smaller than this are compacted (default 64 MiB). */
  targetSizeBytes?: number;
  partitions?: PartitionPredicate;
}

export interface OptimizeResult {
  version?: number;
  filesRemoved: number;
  filesAdded: number;
  partitionsOptimized: number;
}

/**
 * Rewrites each partition's small files into one file; commits removes+adds atomically. A
 * concurrent remove of a compacted file makes the commit fail (nothing is lost; run again).
 */
export async function optimize(root: string, opts: OptimizeOptions = {}): Promise<OptimizeResult> {
  const snap = await loadSnapshot(root);
  checkWritable(snap.protocol, snap.metadata, root);
  const target = opts.targetSizeBytes ?? 64 * 1024 * 1024;
  const matches = compilePredicate(opts.partitions, snap.fields, snap.partitionColumns);
  const groups = new Map<string, Add[]>();
  for (const a of snap.files.values()) {
    if (a.size >= target || !matches(a.partitionValues ?? {})) continue;
    const key = JSON.stringify(snap.partitionColumns.map((c) => a.partitionValues?.[c] ?? null));
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const specs = dataSpecs(snap.fields, snap.partitionColumns);
  const actions: Action[] = [];
  const readPaths = new Set<string>();
  let added = 0, partitions = 0;
  const now = Date.now();
  for (const files of groups.values()) {
    if (files.length < 2) continue;
    partitions++;
    const rows: Rec[] = [];
    for (const f of files) {
      const { numRows, columns } = await readParquet(await fs.readFile(absolutePath(root, f.path)), specs, { decimals: 'string' });
      const pv: Rec = {};
      for (const c of snap.partitionColumns) {
        const field = snap.fields.find((x) => x.name === c)!;
        pv[c] = parsePartitionValue(f.partitionValues?.[c], primOf(field.type, c), { decimals: 'string' });
      }
      for (let i = 0; i < numRows; i++) {
        const r: Rec = { ...pv };
        specs.forEach((s, k) => (r[s.name] = columns[k][i]));
        rows.push(r);
      }
      readPaths.add(f.path);
      actions.push({ remove: { path: f.path, deletionTimestamp: now, dataChange: false, extendedFileMetadata: true, partitionValues: f.partitionValues, size: f.size } });
    }
    const adds = await writeDataFiles(root, snap.fields, snap.partitionColumns, rows, { maxRowsPerFile: Number.MAX_SAFE_INTEGER });
    for (const add of adds) actions.push({ add: { ...add, dataChange: false } });
    added += adds.length;
  }
  if (!actions.length) return { filesRemoved: 0, filesAdded: 0, partitionsOptimized: 0 };
  const { version } = await commit(root, {
    actions,
    operation: 'OPTIMIZE',
    operationParameters: { predicate: '[]', targetSize: String(target) },
    readVersion: snap.version,
    isBlindAppend: false,
    readPaths,
  });
  return { version, filesRemoved: readPaths.size, filesAdded: added, partitionsOptimized: partitions };
}

export interface VacuumOptions {
  /** Keep files needed by versions newer than this many hours (default: the table's deletedFileRetentionDuration, 168 h). */
  retentionHours?: number;
  /** Allow a retention below 168 h (it can break time travel and concurrent readers). */
  force?: boolean;
  dryRun?: boolean;
}

/**
 * Deletes data files that the latest snapshot does not reference and that were removed (or,
 * for never-committed leftovers, written) longer ago than the retention period.
 */
export async function vacuum(root: string, opts: VacuumOptions = {}): Promise<{ deleted: string[] }> {
  const snap = await loadSnapshot(root);
  const defaultMs = parseInterval(snap.metadata.configuration?.['delta.deletedFileRetentionDuration'], 168 * 3_600_000);
  const retentionMs = opts.retentionHours !== undefined ? opts.retentionHours * 3_600_000 : defaultMs;
  if (retentionMs < 168 * 3_600_000 && !opts.force) {
    throw new Error(`vacuum: a retention of ${retentionMs / 3_600_000} h is below 168 h; pass force to allow it (it breaks time travel past it)`);
  }
  const cutoff = Date.now() - retentionMs;
  const live = new Set([...snap.files.values()].map((a) => decodeAddPath(a.path)));
  const recentlyRemoved = new Set(
    [...snap.tombstones.values()].filter((r) => (r.deletionTimestamp ?? 0) > cutoff).map((r) => decodeAddPath(r.path)),
  );
  const deleted: string[] = [];
  for (const file of await walk(root)) {
    const rel = relative(root, file).split(sep).join('/');
    if (rel.startsWith(LOG_DIR + '/') || live.has(rel) || recentlyRemoved.has(rel)) continue;
    if (rel.split('/').some((part) => part.startsWith('_') || (part.startsWith('.') && !part.endsWith('.tmp')))) continue;
    const st = await fs.stat(file);
    if (st.mtimeMs > cutoff) continue;
    if (!opts.dryRun) await fs.unlink(file);
    deleted.push(rel);
  }
  return { deleted };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

function absolutePath(root: string, addPath: string): string {
  const p = decodeAddPath(addPath);
  return p.startsWith('/') ? p : join(root, p);
}

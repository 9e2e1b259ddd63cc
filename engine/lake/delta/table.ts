/**
 * A Delta table on the local file system: create, append, replace/delete partitions, read with
 * time travel, txn-based idempotence, history, checkpoints. Maintenance lives in maintenance.ts.
 *
 * @example
 * const t = await DeltaTable.create('/lake/demo', [{ name: 'd', type: 'date', nullable: false }, { name: 'x', type: 'long' }], { partitionBy: ['d'] });
 * await t.append([{ d: '2024-01-02', x: 1 }], { txn: { appId: 'loader', version: 1 } });
 * const rows = await t.read({ partitions: { d: '2024-01-02' } });
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { table as aqTable, type ColumnTable } from 'arquero';
import type { Rec } from '../../api/batch.ts';
import { writeCheckpoint } from './checkpoint.ts';
import { commit, type CommitPlan } from './commit.ts';
import { LOG_DIR, listLog, readCommit } from './log.ts';
import { decodeAddPath, parsePartitionValue } from './partitions.ts';
import { numberValued, parquetMeta, provesNoNulls, readParquetInto, type OutColumn, type ReadOptions } from './parquet/read.ts';
import { compilePredicate, exactPartitionKey, partitionKey, type PartitionPredicate } from './predicate.ts';
import { checkWritable, evolve, fieldsOf, schemaString, validateFields, type ColumnDef } from './schema.ts';
import { checkpointActions, loadSnapshot, sharedSnapshot, type SharedSnapshot, type Snapshot } from './snapshot.ts';
import { poolFor } from './pool/pool.ts';
import { shareTasks } from './pool/schedule.ts';
import { decodeMessage, receiveDecoded, type Decoded } from './pool/tasks.ts';
import { versionAtTimestamp } from './timetravel.ts';
import type { Action, Add, CommitInfo, Field, Metadata, Protocol } from './types.ts';
import { DeltaConflictError, DeltaSchemaError } from './types.ts';
import { primOf } from './values.ts';
import { rowsOf, writeDataFiles, type FileWriteOptions, type WriteData } from './write-files.ts';
import { optimize, vacuum, type OptimizeOptions, type VacuumOptions } from './maintenance.ts';

export interface CreateOptions {
  partitionBy?: string[];
  /** Table properties (`configuration`), e.g. `{'delta.checkpointInterval': '10'}`. */
  properties?: Record<string, string>;
  name?: string;
  description?: string;
  /** Recorded as `argus.schema.name` / `argus.schema.version` so writers can refuse a mismatch. */
  schemaName?: string;
  schemaVersion?: string | number;
  /** If the table exists: `error` (default) or `open` it (after checking schema name/version). */
  ifExists?: 'error' | 'open';
  /** Initial rows (records or a column table), committed in version 0 with the schema (like write_deltalake's create). */
  records?: WriteData;
}

export interface WriteOptions extends FileWriteOptions {
  /**
   * Idempotence: skip the write if `appId` already committed a version ≥ `version`. Several
   * (e.g. one per Kafka partition) are committed together; the write is skipped only if all are
   * done, and refused if only some are (the batch would be partly duplicated).
   */
  txn?: { appId: string; version: number } | { appId: string; version: number }[];
  /** The writer's schema; new nullable columns evolve the table in the same commit. */
  schema?: { name?: string; version?: string | number; fields: Field[] | ColumnDef[] };
}

export interface WriteResult {
  /** Version committed, or the current version when skipped. */
  version: number;
  /** True when the txn version was already committed (nothing written). */
  skipped: boolean;
  files: number;
  rows: number;
}

export interface SnapshotSelector {
  version?: number;
  /** A Date, ISO string or epoch ms: the latest version whose commit file mtime ≤ it (delta-rs rule). */
  timestamp?: Date | string | number;
}

export interface TableReadOptions extends SnapshotSelector, ReadOptions {
  columns?: string[];
  partitions?: PartitionPredicate;
  /**
   * The caller has other work to overlap with this read (e.g. a source reading ahead): its files
   * are decoded by a ready pool worker even when there is only one, from a small size on (see
   * pool.ts `poolFor`). Same values and errors; without a ready worker the main thread decodes.
   */
  offload?: boolean;
}

export interface HistoryEntry extends CommitInfo {
  version: number;
}

const PROTOCOL: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };

export class DeltaTable {
  private constructor(readonly path: string) {}

  /** The files of one snapshot grouped by partition (see {@link filesByPartition}). */
  private partitionIndex?: { version: number; size: number; first: Add | undefined; files: Map<string, Add[]> };

  /**
   * The snapshot's files by {@link partitionKey}, in log order, built once per version: a table read
   * partition by partition (the delta source over years of days) would otherwise filter every file
   * of the table for every partition. Snapshots of one version share their (frozen) actions, so
   * the same size and first action mean the same snapshot.
   */
  private filesByPartition(snap: SharedSnapshot): Map<string, Add[]> {
    const first = snap.files.values().next().value;
    const ix = this.partitionIndex;
    if (ix && ix.version === snap.version && ix.size === snap.files.size && ix.first === first) return ix.files;
    const files = new Map<string, Add[]>();
    for (const a of snap.files.values()) {
      const k = partitionKey(a.partitionValues ?? {}, snap.fields, snap.partitionColumns);
      const list = files.get(k);
      if (list) list.push(a);
      else files.set(k, [a]);
    }
    this.partitionIndex = { version: snap.version, size: snap.files.size, first, files };
    return files;
  }

  /** Creates a table (version 0: protocol + metaData). */
  static async create(path: string, columns: readonly (ColumnDef | Field)[], opts: CreateOptions = {}): Promise<DeltaTable> {
    const fields = columns.map((c) => ('metadata' in c ? c : fieldsOf([c as ColumnDef])[0]));
    const partitionBy = opts.partitionBy ?? [];
    validateFields(fields, partitionBy);
    const table = new DeltaTable(path);
    if (await table.exists()) {
      if (opts.ifExists !== 'open') throw new Error(`${path}: a Delta table already exists`);
      const snap = await table.snapshot();
      table.checkSchemaName(snap, opts.schemaName, opts.schemaVersion, false);
      return table;
    }
    const configuration: Record<string, string> = { ...(opts.properties ?? {}) };
    if (opts.schemaName) configuration['argus.schema.name'] = opts.schemaName;
    if (opts.schemaVersion !== undefined) configuration['argus.schema.version'] = String(opts.schemaVersion);
    const ntz = fields.some((f) => f.type === 'timestamp_ntz');
    const protocol: Protocol = ntz
      ? { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] }
      : PROTOCOL;
    const metaData: Metadata = {
      id: randomUUID(),
      name: opts.name ?? null,
      description: opts.description ?? null,
      format: { provider: 'parquet', options: {} },
      schemaString: schemaString(fields),
      partitionColumns: partitionBy,
      configuration,
      createdTime: Date.now(),
    };
    await fs.mkdir(join(path, LOG_DIR), { recursive: true });
    const adds = opts.records && rowsOf(opts.records) ? await writeDataFiles(path, fields, partitionBy, opts.records) : [];
    await commit(path, {
      actions: [{ protocol }, { metaData }, ...adds.map((add) => ({ add }))],
      operation: 'CREATE TABLE',
      operationParameters: { mode: 'ErrorIfExists', location: path, metadata: metaData, protocol },
      readVersion: -1,
      isBlindAppend: true,
    });
    return table;
  }

  /** A handle to the table at `path` without any I/O (for lazily used handles). */
  static at(path: string): DeltaTable {
    return new DeltaTable(path);
  }

  /** Opens an existing table (checks that a log exists). */
  static async open(path: string): Promise<DeltaTable> {
    const t = new DeltaTable(path);
    if (!(await t.exists())) throw new Error(`${path}: not a Delta table (no ${LOG_DIR}/ commits)`);
    return t;
  }

  async exists(): Promise<boolean> {
    try {
      const l = await listLog(this.path);
      return l.commits.length > 0 || l.checkpoints.length > 0;
    } catch {
      return false;
    }
  }

  /** The replayed state at a version or timestamp (default latest). */
  async snapshot(sel: SnapshotSelector = {}): Promise<Snapshot> {
    const version = sel.timestamp !== undefined ? await versionAtTimestamp(this.path, sel.timestamp) : sel.version;
    return loadSnapshot(this.path, version);
  }

  /** The snapshot shared with the cache, for reading only (no copy per call; see sharedSnapshot). */
  private async view(sel: SnapshotSelector = {}): Promise<SharedSnapshot> {
    const version = sel.timestamp !== undefined ? await versionAtTimestamp(this.path, sel.timestamp) : sel.version;
    return sharedSnapshot(this.path, version);
  }

  async version(): Promise<number> {
    const l = await listLog(this.path);
    return Math.max(l.commits.at(-1) ?? -1, l.checkpoints.at(-1)?.version ?? -1);
  }

  async resolveVersion(sel: SnapshotSelector = {}): Promise<number> {
    if (sel.timestamp !== undefined) return versionAtTimestamp(this.path, sel.timestamp);
    return sel.version ?? this.version();
  }

  async schema(sel: SnapshotSelector = {}): Promise<{ fields: Field[]; partitionColumns: string[]; configuration: Record<string, string> }> {
    const s = await this.snapshot(sel);
    return { fields: s.fields, partitionColumns: s.partitionColumns, configuration: s.metadata.configuration ?? {} };
  }

  /** Latest committed txn version of `appId`, or undefined. */
  async txnVersion(appId: string): Promise<number | undefined> {
    return (await this.view()).txns.get(appId)?.version;
  }

  /**
   * Appends rows (a blind append): records, or an Arquero column table, which is written
   * column-wise without building records (the fast path; same files, stats and checks).
   * @example await t.append(aq.table({ d: ['2024-01-02'], x: new Float64Array([1]) }));
   */
  append(rows: WriteData, opts: WriteOptions = {}): Promise<WriteResult> {
    return this.write('Append', rows, undefined, opts);
  }

  /** Atomically replaces the partitions matching `predicate` with `rows` (records or a column table; they must fall inside it). */
  replaceWhere(predicate: PartitionPredicate, rows: WriteData, opts: WriteOptions = {}): Promise<WriteResult> {
    return this.write('Overwrite', rows, predicate, opts);
  }

  /** Atomically replaces the whole table's data with `rows` (records or a column table). */
  overwrite(rows: WriteData, opts: WriteOptions = {}): Promise<WriteResult> {
    return this.write('Overwrite', rows, undefined, opts);
  }

  /** Removes every file of the partitions matching `predicate`. */
  deleteWhere(predicate: PartitionPredicate, opts: Pick<WriteOptions, 'txn'> = {}): Promise<WriteResult> {
    return this.write('Delete', [], predicate, opts);
  }

  private async write(mode: 'Append' | 'Overwrite' | 'Delete', records: WriteData, predicate: PartitionPredicate | undefined, opts: WriteOptions): Promise<WriteResult> {
    let snap = await this.snapshot();
    let adds: Add[] | undefined;
    for (let attempt = 0; ; attempt++) {
      checkWritable(snap.protocol, snap.metadata, this.path);
      const txns = opts.txn === undefined ? [] : Array.isArray(opts.txn) ? opts.txn : [opts.txn];
      const done = txns.filter((x) => (snap.txns.get(x.appId)?.version ?? -Infinity) >= x.version);
      if (txns.length && done.length === txns.length) return { version: snap.version, skipped: true, files: 0, rows: 0 };
      if (done.length) {
        throw new DeltaConflictError('ConcurrentTransaction', `${this.path}: txn ${done.map((x) => x.appId).join(', ')} already committed but ${txns.filter((x) => !done.includes(x)).map((x) => x.appId).join(', ')} not: the batch spans committed and new data`);
      }
      if (mode !== 'Append' && snap.metadata.configuration?.['delta.appendOnly'] === 'true') {
        throw new DeltaSchemaError(`${this.path}: the table is append-only (delta.appendOnly=true); ${mode.toLowerCase()} is refused`);
      }
      const evolved = this.planSchema(snap, opts.schema);
      const fields = evolved?.fields ?? snap.fields;
      const matches = compilePredicate(predicate, fields, snap.partitionColumns);
      // Data files do not depend on the snapshot (only on the schema): reuse them across re-plans.
      // An overwrite's rows must fall inside its predicate (checked per partition while grouping).
      const inside = mode === 'Overwrite' && predicate !== undefined ? outsideCheck(matches) : undefined;
      adds ??= rowsOf(records) ? await writeDataFiles(this.path, fields, snap.partitionColumns, records, { ...opts, inside }) : [];
      const now = Date.now();
      const removes: Action[] = [];
      const readPaths = new Set<string>();
      if (mode !== 'Append') {
        for (const f of snap.files.values()) {
          if (!matches(f.partitionValues ?? {})) continue;
          readPaths.add(f.path);
          removes.push({ remove: { path: f.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: f.partitionValues, size: f.size } });
        }
      }
      const actions: Action[] = [];
      if (evolved) actions.push({ metaData: evolved.metaData });
      actions.push(...removes, ...adds.map((add) => ({ add })));
      for (const x of txns) actions.push({ txn: { appId: x.appId, version: x.version, lastUpdated: now } });
      const plan: CommitPlan = {
        actions,
        operation: mode === 'Delete' ? 'DELETE' : 'WRITE',
        operationParameters: mode === 'Delete'
          ? { predicate: describe(predicate) }
          : { mode, partitionBy: JSON.stringify(snap.partitionColumns), ...(predicate ? { predicate: describe(predicate) } : {}) },
        readVersion: snap.version,
        isBlindAppend: mode === 'Append' && !evolved,
        readsPartition: mode === 'Append' ? undefined : matches,
        readPaths,
      };
      try {
        const { version } = await commit(this.path, plan);
        await this.maybeCheckpoint(version);
        return { version, skipped: false, files: adds.length, rows: rowsOf(records) };
      } catch (e) {
        // A concurrent append into our partitions or a concurrent txn: re-plan on a fresh snapshot.
        const retry = e instanceof DeltaConflictError && (e.kind === 'ConcurrentAppend' || e.kind === 'ConcurrentTransaction' || e.kind === 'ConcurrentDeleteRead') && !e.message.includes('spans committed');
        if (!retry || attempt >= 10) throw e;
        snap = await this.snapshot();
      }
    }
  }

  /** Refuses a mismatched schema name/version; returns the new metaData when the writer's schema adds columns. */
  private planSchema(snap: Snapshot, schema: WriteOptions['schema']): { fields: Field[]; metaData: Metadata } | undefined {
    if (!schema) return undefined;
    this.checkSchemaName(snap, schema.name, schema.version, false);
    const wanted = schema.fields.map((c) => ('metadata' in c ? c : fieldsOf([c as ColumnDef])[0]));
    const fields = evolve(snap.fields, wanted);
    const cfg = snap.metadata.configuration ?? {};
    const versionChanged = schema.version !== undefined && cfg['argus.schema.version'] !== String(schema.version);
    if (!fields && !versionChanged) return undefined;
    const next = fields ?? snap.fields;
    validateFields(next, snap.partitionColumns);
    const configuration = { ...cfg, ...(schema.version !== undefined ? { 'argus.schema.version': String(schema.version) } : {}) };
    return { fields: next, metaData: { ...snap.metadata, schemaString: schemaString(next), configuration } };
  }

  private checkSchemaName(snap: Snapshot, name: string | undefined, version: string | number | undefined, exact: boolean): void {
    const cfg = snap.metadata.configuration ?? {};
    const tName = cfg['argus.schema.name'];
    const tVersion = cfg['argus.schema.version'];
    if (name && tName && name !== tName) throw new DeltaSchemaError(`${this.path}: table holds schema '${tName}', writer has '${name}'`);
    if (version !== undefined && tVersion !== undefined) {
      const older = Number(version) < Number(tVersion);
      if (older || (exact && String(version) !== tVersion)) {
        throw new DeltaSchemaError(`${this.path}: table is at schema version ${tVersion}, writer has ${version}`);
      }
    }
  }

  /** Checkpoints after version v when v > 0 and v % delta.checkpointInterval (default 10) == 0 (Spark rule). */
  private async maybeCheckpoint(version: number): Promise<void> {
    if (version === 0) return;
    const snap = await this.snapshot({ version });
    const interval = Number(snap.metadata.configuration?.['delta.checkpointInterval'] ?? 10) || 10;
    if (version % interval === 0) await writeCheckpoint(this.path, version, checkpointActions(snap));
  }

  /** Writes a checkpoint at the latest version now. */
  async checkpoint(): Promise<number> {
    const snap = await this.snapshot();
    await writeCheckpoint(this.path, snap.version, checkpointActions(snap));
    return snap.version;
  }

  /** Live files of a snapshot (absolute paths), optionally filtered by partition. */
  async files(opts: SnapshotSelector & { partitions?: PartitionPredicate } = {}): Promise<{ path: string; add: Add }[]> {
    const snap = await this.view(opts);
    const matches = compilePredicate(opts.partitions, snap.fields, snap.partitionColumns);
    return [...snap.files.values()]
      .filter((a) => matches(a.partitionValues ?? {}))
      .map((add) => ({ path: absolute(this.path, add.path), add }));
  }

  /**
   * The distinct partition values of a snapshot's live files (parsed like {@link read} values,
   * e.g. dates as 'YYYY-MM-DD'), optionally filtered, in ascending order (nulls first, columns in
   * partition order): what a reader needs to stream a table one partition at a time.
   * @example for (const p of await t.partitions({ partitions: { trade_date: { gte: '2024-01-01' } } })) await t.readTable({ partitions: p });
   */
  async partitions(opts: SnapshotSelector & { partitions?: PartitionPredicate } = {}): Promise<Record<string, unknown>[]> {
    const snap = await this.view(opts);
    const cols = snap.partitionColumns;
    const matches = compilePredicate(opts.partitions, snap.fields, cols);
    const distinct = new Map<string, Record<string, string | null>>();
    for (const a of snap.files.values()) {
      const pv = a.partitionValues ?? {};
      const key = JSON.stringify(cols.map((c) => pv[c] ?? null));
      if (!distinct.has(key) && matches(pv)) distinct.set(key, pv);
    }
    const prims = cols.map((c) => primOf(snap.fields.find((f) => f.name === c)!.type, c));
    const parsed = [...distinct.values()].map((pv) => cols.map((c, k) => parsePartitionValue(pv[c] ?? null, prims[k])));
    parsed.sort((a, b) => {
      for (let k = 0; k < a.length; k++) {
        const x = a[k] instanceof Date ? (a[k] as Date).getTime() : a[k];
        const y = b[k] instanceof Date ? (b[k] as Date).getTime() : b[k];
        if (x === y) continue;
        if (x === null) return -1;
        if (y === null) return 1;
        return (x as number) < (y as number) ? -1 : 1;
      }
      return 0;
    });
    return parsed.map((v) => Object.fromEntries(cols.map((c, k) => [c, v[k]])));
  }

  /**
   * Reads records of a snapshot. Columns default to the schema; partition values come from the log.
   * Values follow the documented representation (dates as strings, timestamps as Dates, ...).
   */
  async read(opts: TableReadOptions = {}): Promise<Rec[]> {
    // Typed containers where possible: a double is boxed once (in its record), not twice.
    const { names, numRows, columns } = await this.scan(opts, true);
    const out: Rec[] = new Array(numRows);
    // One object literal per row with a fixed shape (fast in V8), values taken from column arrays.
    const make = recordFactory(names);
    for (let i = 0; i < numRows; i++) out[i] = make(columns, i);
    return out;
  }

  /**
   * Reads a snapshot column-wise (no per-row objects): `{numRows, columns: {name: values[]}}`, values
   * in the same representation as {@link read}.
   */
  async readColumns(opts: TableReadOptions = {}): Promise<{ numRows: number; columns: Record<string, unknown[]> }> {
    const { names, numRows, columns } = await this.scan(opts, false);
    return { numRows, columns: Object.fromEntries(names.map((n, k) => [n, columns[k] as unknown[]])) };
  }

  /**
   * Reads a snapshot as an Arquero table: the fastest full scan. Same values as {@link read}, but
   * numeric columns that the files prove null-free (double, float, integer, decimals as numbers)
   * are Float64Arrays, so they hold unboxed doubles (no allocation per value).
   * @example const t = await table.readTable({ partitions: { trade_date: '2024-01-02' } });
   */
  async readTable(opts: TableReadOptions = {}): Promise<ColumnTable> {
    const { names, columns } = await this.scan(opts, true);
    return aqTable(Object.fromEntries(names.map((n, k) => [n, columns[k]])) as Record<string, unknown[]>);
  }

  /**
   * Decodes the selected files' columns into one container per column (partition columns filled
   * from the log). `typed`: Float64Array for numeric columns every file proves null-free.
   */
  private async scan(opts: TableReadOptions, typed: boolean): Promise<{ names: string[]; numRows: number; columns: OutColumn[] }> {
    const snap = await this.view(opts);
    const matches = compilePredicate(opts.partitions, snap.fields, snap.partitionColumns);
    const names = opts.columns ?? snap.fields.map((f) => f.name);
    const fieldOf = (c: string) => {
      const f = snap.fields.find((x) => x.name === c);
      if (!f) throw new Error(`${this.path}: no column '${c}' at version ${snap.version}`);
      return f;
    };
    const wanted = names.map((c) => ({ name: c, prim: primOf(fieldOf(c).type, c), part: snap.partitionColumns.includes(c) }));
    const dataCols = wanted.filter((w) => !w.part);
    const key = exactPartitionKey(opts.partitions, snap.fields, snap.partitionColumns);
    const adds = key !== undefined ? (this.filesByPartition(snap).get(key) ?? []) : [...snap.files.values()].filter((a) => matches(a.partitionValues ?? {}));
    const files = await Promise.all(adds.map(async (add) => {
      const bytes = await fs.readFile(absolute(this.path, add.path));
      const meta = parquetMeta(bytes);
      return { add, bytes, meta, numRows: Number(meta.num_rows) };
    }));
    const numRows = files.reduce((n, f) => n + f.numRows, 0);
    const columns: OutColumn[] = wanted.map((w) =>
      typed && !w.part && numberValued(w.prim, opts) && files.every((f) => provesNoNulls(f.meta, w.name)) ? new Float64Array(numRows) : new Array(numRows),
    );
    const dataOut = columns.filter((_, k) => !wanted[k].part);
    const starts: number[] = [];
    let at = 0;
    // A partition value that does not parse fails the scan at its file, after the files before it.
    let partError: { error: unknown } | undefined;
    for (const f of files) {
      try {
        wanted.forEach((w, k) => {
          if (w.part) (columns[k] as unknown[]).fill(parsePartitionValue(f.add.partitionValues?.[w.name], w.prim, opts), at, at + f.numRows);
        });
      } catch (error) {
        partError = { error };
        break;
      }
      starts.push(at);
      at += f.numRows;
    }
    // Whole files are decoded on the main thread and, for large scans, in the worker pool too
    // (answers are written into the same containers; see pool/schedule.ts).
    const typedOut = dataOut.map((c) => c instanceof Float64Array);
    const pool = !dataCols.length ? undefined : opts.offload ? poolFor(numRows, 'read', true) : files.length > 1 ? poolFor(numRows, 'read') : undefined;
    await shareTasks<void, Decoded>(starts.length, pool, {
      offload: opts.offload,
      local: async (i) => {
        const f = files[i];
        // A worker that died took the (transferred) bytes with it: read the file again.
        const bytes = f.bytes.byteLength ? f.bytes : await fs.readFile(absolute(this.path, f.add.path));
        await readParquetInto(bytes, f.meta, dataCols, opts, dataOut, starts[i]);
      },
      remote: (i) => decodeMessage(files[i].bytes, dataCols, typedOut, opts),
      receive: (i, answer) => receiveDecoded(answer, dataOut, starts[i]),
    });
    if (partError) throw partError.error;
    return { names, numRows, columns };
  }

  /** Compacts small files per partition (see maintenance.ts). */
  optimize(opts?: OptimizeOptions) {
    return optimize(this.path, opts);
  }

  /** Deletes unreferenced files older than the retention (default 168 h). */
  vacuum(opts?: VacuumOptions) {
    return vacuum(this.path, opts);
  }

  /** Commit history, newest first (versions whose commit file was cleaned up are skipped). */
  async history(limit?: number): Promise<HistoryEntry[]> {
    const { commits } = await listLog(this.path);
    const versions = commits.slice().reverse().slice(0, limit ?? commits.length);
    const out = await Promise.all(versions.map(async (v) => {
      const info = (await readCommit(this.path, v)).find((a) => a.commitInfo)?.commitInfo ?? {};
      return { version: v, ...info } as HistoryEntry;
    }));
    return out;
  }
}

const factories = new Map<string, (cols: ArrayLike<unknown>[], i: number) => Rec>();

/** A compiled `(cols, i) => ({a: cols[0][i], ...})` for these column names. */
function recordFactory(names: readonly string[]): (cols: ArrayLike<unknown>[], i: number) => Rec {
  const key = JSON.stringify(names);
  let f = factories.get(key);
  if (!f) {
    const body = names.map((n, k) => `${JSON.stringify(n)}: c[${k}][i]`).join(',\n');
    f = new Function('c', 'i', `return {\n${body}\n};`) as (cols: ArrayLike<unknown>[], i: number) => Rec;
    factories.set(key, f);
  }
  return f;
}

/** Refuses a partition of an overwrite that its predicate does not cover. */
function outsideCheck(matches: (pv: Record<string, string | null>) => boolean): (pv: Record<string, string | null>) => void {
  return (pv) => {
    if (!matches(pv)) throw new DeltaSchemaError(`replaceWhere: a record with ${JSON.stringify(pv)} falls outside the predicate`);
  };
}

function describe(pred: PartitionPredicate | undefined): string {
  if (!pred) return '';
  if (typeof pred === 'function') return 'function';
  return JSON.stringify(pred, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Absolute file path of an `add.path` (relative paths are URI-encoded, absolute may be file:// URIs). */
export function absolute(root: string, addPath: string): string {
  const p = decodeAddPath(addPath);
  return p.startsWith('/') ? p : join(root, p);
}


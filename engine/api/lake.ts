/**
 * The lake as operators see it: Delta tables under the lake root, addressed by name
 * (`gold/a_share_daily`). Get it with `ctx.backend<Lake>('lake')`; the engine registers
 * `createLake(root)` from `engine/lake` as the `lake` backend.
 *
 * Value representation: date ↔ `'YYYY-MM-DD'`; timestamp ↔ `Date` (ISO strings accepted);
 * long ↔ number when safe else bigint; decimal(p,s) accepts number | string | bigint, is stored
 * exactly (half-even to s) and reads back as a number (or exact string with `decimals: 'string'`).
 *
 * @example
 * const table = ctx.backend<Lake>('lake').table('gold/a_share_daily');
 * await table.replaceWhere({ trade_date: '2024-01-02' }, rows, { txn: { appId: 'gold', version: 42 } });
 */
import type { ColumnTable } from 'arquero';
import type { Rec } from './batch.ts';

/** A column of a table schema (Delta types: string long integer short byte float double boolean binary date timestamp timestamp_ntz decimal(p,s)). */
export interface LakeField {
  name: string;
  type: string | Record<string, unknown>;
  nullable: boolean;
  metadata?: Record<string, unknown>;
}

/** `{col: v}` equality (null matches null), `{col: [a, b]}` in, `{col: {gte, lt, ...}}` range, or a function. */
export type LakePartitionPredicate = Record<string, unknown> | ((values: Record<string, unknown>) => boolean);

export interface LakeWriteOptions {
  /** Exactly-once: skipped if `appId` already committed a version ≥ `version` (several: all of them). */
  txn?: { appId: string; version: number } | { appId: string; version: number }[];
  /** Writer's schema (name/version checked against the table; new nullable columns evolve it). */
  schema?: {
    name?: string;
    version?: string | number;
    fields: { name: string; type: string; nullable?: boolean; description?: string }[] | LakeField[];
  };
  /**
   * This caller has other work to overlap with the write (a sink while the chain runs): even a
   * small one-file write is encoded and fsynced by a Delta pool worker when one is ready. Same files.
   */
  offload?: boolean;
}

export interface LakeWriteResult {
  version: number;
  skipped: boolean;
  files: number;
  rows: number;
}

export interface LakeSnapshotSelector {
  version?: number;
  timestamp?: Date | string | number;
}

export interface LakeReadOptions extends LakeSnapshotSelector {
  columns?: string[];
  partitions?: LakePartitionPredicate;
  decimals?: 'number' | 'string';
  /**
   * This caller has other work to overlap with the read (a source reading ahead): even a one-file
   * read is decoded by a Delta pool worker when one is ready. Same values.
   */
  offload?: boolean;
}

export interface LakeTable {
  readonly path: string;
  exists(): Promise<boolean>;
  version(): Promise<number>;
  /** The version a selector resolves to (latest, a version, or the one current at a timestamp). */
  resolveVersion(sel?: LakeSnapshotSelector): Promise<number>;
  schema(
    sel?: LakeSnapshotSelector,
  ): Promise<{ fields: LakeField[]; partitionColumns: string[]; configuration: Record<string, string> }>;
  /** Appends rows: records or, without building a record, an Arquero table (same checks, same files). */
  append(rows: readonly Rec[] | ColumnTable, opts?: LakeWriteOptions): Promise<LakeWriteResult>;
  replaceWhere(
    predicate: LakePartitionPredicate,
    rows: readonly Rec[] | ColumnTable,
    opts?: LakeWriteOptions,
  ): Promise<LakeWriteResult>;
  deleteWhere(
    predicate: LakePartitionPredicate,
    opts?: Pick<LakeWriteOptions, 'txn'>,
  ): Promise<LakeWriteResult>;
  /**
   * Distinct partition values of the snapshot's files (parsed; optionally filtered), ascending:
   * read a large range one partition at a time with `readTable({ partitions: value })`.
   */
  partitions(
    opts?: LakeSnapshotSelector & { partitions?: LakePartitionPredicate },
  ): Promise<Record<string, unknown>[]>;
  read(opts?: LakeReadOptions): Promise<Rec[]>;
  /** The rows as an Arquero table (`Float64Array` for numeric columns the files prove null-free). */
  readTable(opts?: LakeReadOptions): Promise<ColumnTable>;
  /** Column-wise read (no per-row objects), same value representation as `read`. */
  readColumns(opts?: LakeReadOptions): Promise<{ numRows: number; columns: Record<string, unknown[]> }>;
  txnVersion(appId: string): Promise<number | undefined>;
  history(limit?: number): Promise<({ version: number } & Record<string, unknown>)[]>;
}

/** A TableSchema spec's `spec` section (see engine/lake/table-schema-kind.ts). */
export interface LakeTableSchemaSpec {
  table: string;
  partitionBy?: string[];
  properties?: Record<string, string>;
  columns: {
    name: string;
    type: string;
    nullable?: boolean;
    description?: string;
    rules?: Record<string, unknown>[];
  }[];
}

export interface Lake {
  /** Absolute root directory of the lake. */
  readonly root: string;
  /** A handle to the table at `name` under the root (no I/O until used). */
  table(name: string): LakeTable;
  /**
   * Creates the table of a TableSchema document if it is missing (recording the schema
   * name/version in the table), or checks that the existing one holds that schema.
   */
  ensure(schema: {
    metadata: { name: string; version: string | number };
    spec: LakeTableSchemaSpec;
  }): Promise<LakeTable>;
}

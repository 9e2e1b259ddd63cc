/**
 * Argus' lake: Delta Lake tables implemented in TypeScript (reader v1/writer v2, timestampNtz).
 * @example
 * import { DeltaTable } from './engine/lake/index.ts';
 * const t = await DeltaTable.open('lake/gold/a_share_daily');
 * const latest = await t.read({ partitions: { trade_date: '2024-01-02' } });
 */
export { DeltaTable, absolute } from './delta/table.ts';
export type { CreateOptions, WriteOptions, WriteResult, SnapshotSelector, TableReadOptions, HistoryEntry } from './delta/table.ts';
export { loadSnapshot, type Snapshot } from './delta/snapshot.ts';
export { clearSnapshotCache, configureSnapshotCache, snapshotCacheStats } from './delta/snapshot-cache.ts';
export { versionAtTimestamp } from './delta/timetravel.ts';
export { fieldsOf, type ColumnDef } from './delta/schema.ts';
export type { PartitionPredicate } from './delta/predicate.ts';
export type { OptimizeOptions, OptimizeResult, VacuumOptions } from './delta/maintenance.ts';
export { DeltaConflictError, DeltaSchemaError, type Field } from './delta/types.ts';
export { createLake, LocalLake } from './lake.ts';
export { parseTableSchema, type TableSchemaSpec } from './table-schema.ts';

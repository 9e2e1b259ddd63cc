/**
 * The Delta side of `delta_upsert`: open-or-create a table from a TableSchema spec, project
 * records on its columns, and merge a batch into the partitions it touches in one txn commit.
 *
 * It uses the engine's Delta library directly until the `lake` backend (`engine/api/lake.ts`)
 * exposes these calls to operators.
 */
import { join } from 'node:path';
import type { Rec } from '../../../engine/api/index.ts';
import { DeltaTable } from '../../../engine/lake/delta/table.ts';

export interface TableSchemaSpec {
  table?: string;
  partitionBy?: string[];
  properties?: Record<string, string>;
  columns: { name: string; type: string; nullable?: boolean; description?: string }[];
}

export interface UpsertTable {
  project(r: Rec): Rec;
  append(recs: Rec[], txn?: { appId: string; version: number }): Promise<{ skipped: boolean }>;
  upsert(recs: Rec[], txn: { appId: string; version: number } | undefined, merge: (existing: Rec[], fresh: Rec[]) => Rec[]): Promise<{ skipped: boolean }>;
}

export async function openTable(lakeRoot: string, name: string, spec: TableSchemaSpec, meta: { name: string; version: string | number }): Promise<UpsertTable> {
  const path = join(lakeRoot, name);
  const create = () =>
    DeltaTable.create(path, spec.columns, {
      partitionBy: spec.partitionBy ?? [],
      properties: spec.properties,
      schemaName: meta.name,
      schemaVersion: meta.version,
      ifExists: 'open',
      name,
    });
  let table: DeltaTable;
  try {
    table = await create();
  } catch (err) {
    // Another worker created it at the same moment: open what it created.
    table = await DeltaTable.open(path).catch(() => {
      throw err;
    });
  }
  const columns = spec.columns.map((c) => c.name);
  const parts = spec.partitionBy ?? [];
  return {
    project(r) {
      const out: Rec = {};
      for (const c of columns) out[c] = r[c] ?? null;
      return out;
    },
    async append(recs, txn) {
      if (!recs.length && !txn) return { skipped: false };
      return table.append(recs, { txn });
    },
    async upsert(recs, txn, merge) {
      if (txn) {
        const done = await table.txnVersion(txn.appId);
        if (done !== undefined && done >= txn.version) return { skipped: true };
      }
      if (!recs.length) return { skipped: false };
      if (!parts.length) {
        const existing = await table.read();
        return table.replaceWhere(() => true, merge(existing, recs), { txn });
      }
      // The partitions this batch touches, as a predicate over parsed partition values.
      const touched = new Set(recs.map((r) => JSON.stringify(parts.map((p) => r[p] ?? null))));
      const pred = (pv: Record<string, unknown>) => touched.has(JSON.stringify(parts.map((p) => pv[p] ?? null)));
      const existing = await table.read({ partitions: pred });
      return table.replaceWhere(pred, merge(existing, recs), { txn });
    },
  };
}

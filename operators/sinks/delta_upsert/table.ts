/**
 * The Delta side of `delta_upsert`: ensure the table of a TableSchema document (through the `lake`
 * backend), project records on its columns, and merge a batch into the partitions it touches in
 * one commit that carries the txn.
 */
import type { ColumnTable } from 'arquero';
import type { Lake, LakeTable, LakeTableSchemaSpec, Rec, SpecDoc } from '../../../engine/api/index.ts';

export interface UpsertTable {
  readonly name: string;
  /** Rows `rows` of `input` as records of the table's columns (absent or undefined → null). */
  project(input: ColumnTable, rows: ArrayLike<number>): Rec[];
  append(recs: Rec[], txn?: { appId: string; version: number }): Promise<{ skipped: boolean }>;
  upsert(
    recs: Rec[],
    txn: { appId: string; version: number } | undefined,
    merge: (existing: Rec[], fresh: Rec[]) => Rec[],
  ): Promise<{ skipped: boolean }>;
}

export async function openTable(lake: Lake, doc: SpecDoc<LakeTableSchemaSpec>): Promise<UpsertTable> {
  let table: LakeTable;
  try {
    table = await lake.ensure(doc);
  } catch (err) {
    // Another worker created it at the same moment: the second look finds it.
    await new Promise((r) => setTimeout(r, 50));
    table = await lake.ensure(doc).catch(() => {
      throw err;
    });
  }
  const spec = doc.spec;
  const columns = spec.columns.map((c) => c.name);
  const parts = spec.partitionBy ?? [];
  return {
    name: spec.table,
    project(input, rows) {
      // Straight from the columns: one object per row, built in column order (one hidden class).
      const cols = columns.map((c) => input.column(c) as unknown as ArrayLike<unknown> | undefined);
      const out = new Array<Rec>(rows.length);
      for (let j = 0; j < rows.length; j++) {
        const r = rows[j];
        const rec: Rec = {};
        for (let k = 0; k < columns.length; k++) rec[columns[k]] = cols[k]?.[r] ?? null;
        out[j] = rec;
      }
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
      if (!parts.length) return table.replaceWhere(() => true, merge(await table.read(), recs), { txn });
      // The partitions this batch touches, as a predicate over parsed partition values.
      const key = (get: (p: string) => unknown) =>
        JSON.stringify(
          parts.map((p) => {
            const v = get(p);
            return v instanceof Date ? v.toISOString() : (v ?? null);
          }),
        );
      const touched = new Set(recs.map((r) => key((p) => r[p])));
      const pred = (pv: Record<string, unknown>) => touched.has(key((p) => pv[p]));
      const existing = await table.read({ partitions: pred });
      return table.replaceWhere(pred, merge(existing, recs), { txn });
    },
  };
}

/**
 * `delta_upsert`: merges records into Delta tables, keeping per key the record with the greatest
 * `order_by` (the newest ingest), exactly once per source offset range.
 *
 * - The table of each record comes from a template over its fields (`bronze/{source}_{dataset}`),
 *   its columns from the `TableSchema` document named by `schema` (same template); the table is
 *   created on first write, partitioned as the schema says. Records are projected on the columns.
 * - Per batch and table: the partitions the batch touches are read, merged with the batch
 *   (newest wins, ties to the batch) and replaced in one commit carrying the Delta `txn`
 *   `{appId: <app_id>:<table>:<topic>:<partition>, version: <last offset>}`. A redelivered range
 *   is skipped; a concurrent writer of the same partitions makes the commit fail and the batch is
 *   redelivered (`errored`), so two workers converge to the table one worker writes.
 * - `mode: append` skips the merge (rejects, audit logs): blind append with the same txn.
 *
 * @example
 * - id: bronze
 *   type: delta_upsert
 *   inputs: [dedupe]
 *   config: {table: "bronze/{source}_{dataset}", schema: "bronze.{source}_{dataset}", keys: [symbol, trade_date], order_by: fetched_at, app_id: bronze}
 */
import { defineOperator, type Batch, type Rec, type Sink } from '../../engine/api/index.ts';
import { newestPerKey } from './delta_upsert/merge.ts';
import { openTable, type TableSchemaSpec, type UpsertTable } from './delta_upsert/table.ts';

export interface DeltaUpsertConfig {
  table: string;
  schema: string;
  mode?: 'upsert' | 'append';
  keys?: string[];
  /** Key columns per table (overrides `keys`), e.g. trade_cal: [exchange, trade_date]. */
  keys_by_table?: Record<string, string[]>;
  order_by?: string;
  /** Prefix of the Delta txn app ids. */
  app_id: string;
}

/** `bronze/{source}_{dataset}` → `bronze/tushare_daily` for a record; missing fields throw. */
export function fill(template: string, rec: Rec): string {
  return template.replace(/\{([a-z_][a-z0-9_]*)\}/gi, (_, f: string) => {
    const v = rec[f];
    if (v === null || v === undefined || v === '') throw new Error(`record has no "${f}" for the table name template ${template}`);
    return String(v).replace(/[^A-Za-z0-9_.-]/g, '_');
  });
}

export default defineOperator<DeltaUpsertConfig>({
  type: 'delta_upsert',
  role: 'sink',
  description: 'Merges records into Delta tables chosen per record (newest `order_by` wins per key), exactly once per source offset range via the Delta txn.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['table', 'schema', 'app_id'],
    properties: {
      table: { type: 'string', minLength: 1, description: 'Table path under the lake root; `{field}` takes a record field.' },
      schema: { type: 'string', minLength: 1, description: 'TableSchema document name; `{field}` takes a record field.' },
      mode: { enum: ['upsert', 'append'], default: 'upsert' },
      keys: { type: 'array', minItems: 1, items: { type: 'string' } },
      keys_by_table: { type: 'object', additionalProperties: { type: 'array', minItems: 1, items: { type: 'string' } } },
      order_by: { type: 'string' },
      app_id: { type: 'string', minLength: 1 },
    },
  },
  examples: [
    {
      title: 'Bronze tables per dataset',
      config: { table: 'bronze/{source}_{dataset}', schema: 'bronze.{source}_{dataset}', keys: ['symbol', 'trade_date'], order_by: 'fetched_at', app_id: 'bronze' },
    },
  ],
  create(config, ctx): Sink {
    const mode = config.mode ?? 'upsert';
    if (mode === 'upsert' && (!config.keys || !config.order_by)) throw new Error('delta_upsert: mode upsert needs `keys` and `order_by`');
    const tables = new Map<string, Promise<UpsertTable>>();
    const rows = ctx.metrics.counter('argus_delta_upsert_rows_total', 'Rows merged into Delta tables.', ['pipeline', 'node', 'table']);
    const skipped = ctx.metrics.counter('argus_delta_upsert_skipped_total', 'Batches skipped as already committed (txn).', ['pipeline', 'node', 'table']);

    const table = (name: string, schemaName: string): Promise<UpsertTable> => {
      let t = tables.get(name);
      if (!t) {
        const doc = ctx.spec<TableSchemaSpec>('TableSchema', schemaName);
        t = openTable(ctx.paths.lake, name, doc.spec, doc.metadata);
        t.catch(() => tables.delete(name));
        tables.set(name, t);
      }
      return t;
    };

    const txnOf = (batch: Batch, name: string) => {
      const o = batch.meta.offsets;
      // One offset range per batch (the kafka source emits per partition fetch); otherwise the
      // merge alone keeps the write idempotent.
      if (!o || o.length !== 1) return undefined;
      return { appId: `${config.app_id}:${name}:${o[0].topic}:${o[0].partition}`, version: Number(o[0].to) };
    };

    return {
      kind: 'sink',
      async write(batch) {
        const groups = new Map<string, { schema: string; recs: Rec[] }>();
        for (const r of batch.records) {
          const name = fill(config.table, r);
          const g = groups.get(name) ?? groups.set(name, { schema: fill(config.schema, r), recs: [] }).get(name)!;
          g.recs.push(r);
        }
        for (const [name, g] of groups) {
          const t = await table(name, g.schema);
          const txn = txnOf(batch, name);
          const recs = g.recs.map((r) => t.project(r));
          const res =
            mode === 'append'
              ? await t.append(recs, txn)
              : await t.upsert(recs, txn, (existing, fresh) => newestPerKey([...existing, ...fresh], config.keys_by_table?.[name] ?? config.keys!, config.order_by!));
          if (res.skipped) skipped.inc({ pipeline: ctx.pipeline, node: ctx.node, table: name });
          else rows.inc({ pipeline: ctx.pipeline, node: ctx.node, table: name }, recs.length);
        }
        return 'delivered';
      },
    };
  },
});

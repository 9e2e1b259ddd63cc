/**
 * `delta_upsert`: merges records into Delta tables, keeping per key the record with the greatest
 * `order_by` (the newest ingest), exactly once per source offset range.
 *
 * - Each record's table is the `TableSchema` document named by the `schema` template over its
 *   fields (`bronze.{bronze_table}`): its path, columns and partitions. The table is created on
 *   first write (lake backend `ensure`); records are projected on its columns.
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
 *   config: {schema: "bronze.{bronze_table}", keys: [symbol, trade_date], order_by: fetched_at, app_id: bronze}
 */
import type { ColumnTable } from 'arquero';
import {
  columnsOf,
  defineOperator,
  tableFromRecords,
  type Batch,
  type Lake,
  type LakeTableSchemaSpec,
  type Rec,
  type Sink,
} from '../../engine/api/index.ts';
import { newestPerKey } from './delta_upsert/merge.ts';
import { openTable, type UpsertTable } from './delta_upsert/table.ts';

export interface DeltaUpsertConfig {
  schema: string;
  mode?: 'upsert' | 'append';
  keys?: string[];
  /** Key columns per table (overrides `keys`), e.g. trade_cal: [exchange, trade_date]. */
  keys_by_table?: Record<string, string[]>;
  order_by?: string;
  /** Prefix of the Delta txn app ids. */
  app_id: string;
  /**
   * Record fields whose values become part of the txn app id. Needed when one source emission
   * reaches this sink as several batches (e.g. from several error ports, told apart by `node`):
   * each then has its own exactly-once sequence.
   */
  txn_by?: string[];
}

/** `bronze.{bronze_table}` → `bronze.tushare_daily` for a record; missing fields throw. */
export function fill(template: string, rec: Rec): string {
  return templateOver(template, tableFromRecords([rec]))(0);
}

/**
 * The template over a column table: row index → name. Split once; per row it is a lookup of the
 * field values and, for a value seen before, a cached result (a batch names few tables).
 */
function templateOver(template: string, input: ColumnTable): (row: number) => string {
  const parts = template.split(/\{([a-z_][a-z0-9_]*)\}/i); // even: literal, odd: field
  const cols: (ArrayLike<unknown> | undefined)[] = [];
  for (let i = 1; i < parts.length; i += 2)
    cols.push(input.column(parts[i]) as unknown as ArrayLike<unknown>);
  const cache = new Map<unknown, string>();
  const build = (row: number) => {
    let out = parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const v = cols[(i - 1) / 2]?.[row];
      if (v === null || v === undefined || v === '')
        throw new Error(`record has no "${parts[i]}" for the table name template ${template}`);
      out += String(v).replace(/[^A-Za-z0-9_.-]/g, '_') + parts[i + 1];
    }
    return out;
  };
  if (cols.length !== 1) return build;
  const only = cols[0];
  return (row) => {
    const v = only?.[row];
    let name = cache.get(v);
    if (name === undefined) cache.set(v, (name = build(row)));
    return name;
  };
}

export default defineOperator<DeltaUpsertConfig>({
  type: 'delta_upsert',
  role: 'sink',
  description:
    'Merges records into Delta tables chosen per record (newest `order_by` wins per key), exactly once per source offset range via the Delta txn.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['schema', 'app_id'],
    properties: {
      schema: {
        type: 'string',
        minLength: 1,
        description: 'TableSchema document name; `{field}` takes a record field.',
      },
      mode: { enum: ['upsert', 'append'], default: 'upsert' },
      keys: { type: 'array', minItems: 1, items: { type: 'string' } },
      keys_by_table: {
        description: 'Keys per TableSchema name (overrides `keys`).',
        type: 'object',
        additionalProperties: { type: 'array', minItems: 1, items: { type: 'string' } },
      },
      order_by: { type: 'string' },
      app_id: { type: 'string', minLength: 1 },
      txn_by: {
        type: 'array',
        items: { type: 'string' },
        description: 'Fields whose values join the txn app id (one sequence per value).',
      },
    },
  },
  examples: [
    {
      title: 'Bronze tables per dataset',
      config: {
        schema: 'bronze.{bronze_table}',
        keys: ['symbol', 'trade_date'],
        order_by: 'fetched_at',
        app_id: 'bronze',
      },
    },
  ],
  create(config, ctx): Sink {
    const mode = config.mode ?? 'upsert';
    if (mode === 'upsert' && (!config.keys || !config.order_by))
      throw new Error('delta_upsert: mode upsert needs `keys` and `order_by`');
    const tables = new Map<string, Promise<UpsertTable>>();
    const rows = ctx.metrics.counter('argus_delta_upsert_rows_total', 'Rows merged into Delta tables.', [
      'pipeline',
      'node',
      'table',
    ]);
    const skipped = ctx.metrics.counter(
      'argus_delta_upsert_skipped_total',
      'Batches skipped as already committed (txn).',
      ['pipeline', 'node', 'table'],
    );

    const table = (schemaName: string): Promise<UpsertTable> => {
      let t = tables.get(schemaName);
      if (!t) {
        const doc = ctx.spec<LakeTableSchemaSpec>('TableSchema', schemaName);
        t = openTable(ctx.backend<Lake>('lake'), doc);
        t.catch(() => tables.delete(schemaName));
        tables.set(schemaName, t);
      }
      return t;
    };

    const txnOf = (batch: Batch, name: string, scope: string) => {
      const o = batch.meta.offsets;
      // One offset range per batch (the kafka source emits per partition fetch); otherwise the
      // merge alone keeps the write idempotent.
      if (!o || o.length !== 1) return undefined;
      return {
        appId: `${config.app_id}:${name}:${o[0].topic}:${o[0].partition}${scope}`,
        version: Number(o[0].to),
      };
    };

    return {
      kind: 'sink',
      async write(batch) {
        // Column-wise (records input through columnsOf): rows are grouped by table and projected
        // on its columns straight from the batch's columns, without materialising the batch.
        const input = columnsOf(batch);
        const n = input.numRows();
        const tableOf = templateOver(config.schema, input);
        const scopeCols = (config.txn_by ?? []).map((f) => input.column(f) as unknown as ArrayLike<unknown>);
        const groups = new Map<string, { schema: string; scope: string; rows: number[] }>();
        for (let i = 0; i < n; i++) {
          const schema = tableOf(i);
          let scope = '';
          for (const c of scopeCols) scope += `:${String(c?.[i] ?? '')}`;
          const id = `${schema}\u0000${scope}`;
          (groups.get(id) ?? groups.set(id, { schema, scope, rows: [] }).get(id)!).rows.push(i);
        }
        for (const { schema, scope, rows: group } of groups.values()) {
          const t = await table(schema);
          const name = t.name;
          const txn = txnOf(batch, name, scope);
          const recs = t.project(input, group);
          const keys = config.keys_by_table?.[schema] ?? config.keys!;
          const res =
            mode === 'append'
              ? await t.append(recs, txn)
              : await t.upsert(recs, txn, (existing, fresh) =>
                  newestPerKey([...existing, ...fresh], keys, config.order_by!),
                );
          if (res.skipped) skipped.inc({ pipeline: ctx.pipeline, node: ctx.node, table: name });
          else rows.inc({ pipeline: ctx.pipeline, node: ctx.node, table: name }, recs.length);
        }
        return 'delivered';
      },
    };
  },
});

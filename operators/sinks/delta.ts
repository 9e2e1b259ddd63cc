/**
 * `delta`: writes batches to a Delta table in the lake, exactly once across crashes.
 *
 * - `schema` names a TableSchema document (its table path, columns, partitions); the table is
 *   created on start if missing, and a table holding another schema (name, or a newer version)
 *   is refused. A newer schema version with added nullable columns evolves the table.
 * - `mode: append` appends; `replace_partitions` atomically replaces the partitions the batch
 *   touches (e.g. a re-run of one trade date).
 * - Exactly-once: each commit carries Delta `txn` versions — in `replace_partitions` mode a batch
 *   holding one table partition (`meta.trade_date` + `meta.partitionTxnVersion`, as `fuse` emits a
 *   trading day) commits `{appId: <app_id>:<trade_date>, version}`, so a rerun of the same day with
 *   the same version is skipped while other days and newer versions are not; else `meta.txnVersion`
 *   if the batch has one, else per source partition `{appId: <app_id>:<topic>:<partition>, version:
 *   <last offset>}` from `meta.offsets`. A batch whose versions are already committed is skipped.
 * - The batch resolves only after the commit is durable; a failure leaves it `errored` (redelivered).
 * - Column batches (`batch.table`) are written column-wise, records otherwise; same files and checks.
 *
 * @example
 * - id: gold
 *   type: delta
 *   inputs: [score]
 *   config: {schema: gold.a_share_daily, mode: replace_partitions, app_id: gold}
 */
import {
  column,
  defineOperator,
  rowCount,
  type Batch,
  type Lake,
  type LakeTable,
  type LakeTableSchemaSpec,
  type Sink,
} from '../../engine/api/index.ts';

export interface DeltaSinkConfig {
  /** TableSchema document name, e.g. `gold.a_share_daily`. */
  schema: string;
  /** Table path under the lake root (default: the schema's `spec.table`). */
  table?: string;
  mode?: 'append' | 'replace_partitions';
  /** Prefix of the Delta txn app ids (exactly-once); omit for at-least-once appends. */
  app_id?: string;
}

/** The txn versions a batch commits with (empty when it carries no position). */
export function txnsOf(
  batch: Batch,
  appId: string | undefined,
  mode: DeltaSinkConfig['mode'] = 'append',
): { appId: string; version: number }[] {
  if (!appId) return [];
  const day = batch.meta.trade_date;
  const pv = batch.meta.partitionTxnVersion;
  // Per-partition scope: a table-wide version would skip an older day replayed after a newer one.
  if (
    mode === 'replace_partitions' &&
    typeof day === 'string' &&
    day &&
    (typeof pv === 'number' || typeof pv === 'bigint')
  )
    return [{ appId: `${appId}:${day}`, version: Number(pv) }];
  const v = batch.meta.txnVersion;
  if (typeof v === 'number' || typeof v === 'bigint') return [{ appId, version: Number(v) }];
  return (batch.meta.offsets ?? []).map((o) => ({
    appId: `${appId}:${o.topic}:${o.partition}`,
    version: Number(o.to),
  }));
}

export default defineOperator<DeltaSinkConfig>({
  type: 'delta',
  role: 'sink',
  description:
    'Writes batches to a Delta table (append or replace the touched partitions), exactly once via Delta txn versions.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['schema'],
    properties: {
      schema: { type: 'string', minLength: 1, description: 'TableSchema document name' },
      table: {
        type: 'string',
        minLength: 1,
        description: "Table path under the lake root (default: the schema's spec.table)",
      },
      mode: { enum: ['append', 'replace_partitions'], default: 'append' },
      app_id: {
        type: 'string',
        minLength: 1,
        description: 'Prefix of the Delta txn app ids for exactly-once writes',
      },
    },
  },
  examples: [
    {
      title: 'Gold: replace each trade date exactly once',
      config: { schema: 'gold.a_share_daily', mode: 'replace_partitions', app_id: 'gold' },
    },
    { title: 'Append audit rows', config: { schema: 'bronze.audit', mode: 'append' } },
  ],
  create(config, ctx): Sink {
    const doc = ctx.spec<LakeTableSchemaSpec>('TableSchema', config.schema);
    const spec = config.table ? { ...doc.spec, table: config.table } : doc.spec;
    const writerSchema = { name: doc.metadata.name, version: doc.metadata.version, fields: spec.columns };
    const parts = spec.partitionBy ?? [];
    let table: LakeTable | undefined;
    const open = async () =>
      (table ??= await ctx.backend<Lake>('lake').ensure({ metadata: doc.metadata, spec }));
    return {
      kind: 'sink',
      async start() {
        await open();
      },
      async write(batch) {
        const t = await open();
        const txn = txnsOf(batch, config.app_id, config.mode);
        const opts = { txn: txn.length ? txn : undefined, schema: writerSchema };
        // Column batches are written column-wise (no records are materialised).
        const rows = batch.table ?? batch.records;
        const n = rowCount(batch);
        if (config.mode !== 'replace_partitions' || !parts.length) {
          if (n || txn.length) await t.append(rows, opts);
          return 'delivered';
        }
        if (!n) return 'delivered';
        // Replace exactly the partitions this batch touches.
        const values = parts.map((p) => partitionValues(batch, p));
        const keyOf = (vals: readonly unknown[]) => JSON.stringify(vals.map(norm));
        const touched = new Set<string>();
        for (let i = 0; i < n; i++) touched.add(keyOf(values.map((v) => v[i])));
        const predicate =
          parts.length === 1
            ? { [parts[0]]: [...new Set(Array.from(values[0]))] }
            : (vals: Record<string, unknown>) => touched.has(keyOf(parts.map((p) => vals[p])));
        await t.replaceWhere(predicate, rows, opts);
        ctx.logger.debug(
          { table: spec.table, partitions: touched.size, rows: n },
          'delta: replaced partitions',
        );
        return 'delivered';
      },
    };
  },
});

/** A partition column's values (from the batch's table when it has one). */
function partitionValues(batch: Batch, name: string): ArrayLike<unknown> {
  if (batch.table) return column(batch.table, name) ?? new Array(batch.table.numRows()).fill(undefined);
  return batch.records.map((r) => r[name]);
}

function norm(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * `delta`: reads a Delta table snapshot (latest, a version or a timestamp), optionally a
 * partition range, and emits one batch per partition (split into `batch_size` chunks), in
 * partition order. Meta carries `{table, version, partition}` so downstream knows the snapshot.
 *
 * @example
 * - id: gold_in
 *   type: delta
 *   config: {table: gold/a_share_daily, partitions: {trade_date: {gte: "2024-01-01", lt: "2024-02-01"}}}
 */
import { defineOperator, type Emission, type Lake, type Rec, type Source } from '../../engine/api/index.ts';

export interface DeltaSourceConfig {
  /** Table path under the lake root, e.g. `gold/a_share_daily`. */
  table: string;
  version?: number;
  /** ISO timestamp: the latest version committed at or before it. */
  timestamp?: string;
  /** Partition filter: `{col: value}`, `{col: [values]}` or `{col: {gte, gt, lte, lt}}`. */
  partitions?: Record<string, unknown>;
  columns?: string[];
  /** Records per emission at most (default 50,000). */
  batch_size?: number;
  decimals?: 'number' | 'string';
}

export default defineOperator<DeltaSourceConfig>({
  type: 'delta',
  role: 'source',
  description:
    'Reads a Delta table snapshot (latest, version or timestamp; optional partition range) and emits a batch per partition.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['table'],
    properties: {
      table: { type: 'string', minLength: 1 },
      version: { type: 'integer', minimum: 0 },
      timestamp: { type: 'string', minLength: 1, description: 'ISO date-time (naive = UTC)' },
      partitions: { type: 'object', description: 'Partition filter on partition columns' },
      columns: { type: 'array', items: { type: 'string' }, minItems: 1 },
      batch_size: { type: 'integer', minimum: 1, default: 50000 },
      decimals: { enum: ['number', 'string'], default: 'number' },
    },
  },
  examples: [
    {
      title: 'One month of Gold',
      config: {
        table: 'gold/a_share_daily',
        partitions: { trade_date: { gte: '2024-01-01', lt: '2024-02-01' } },
      },
    },
    { title: 'Gold as of version 42', config: { table: 'gold/a_share_daily', version: 42 } },
  ],
  create(config, ctx): Source {
    if (config.version !== undefined && config.timestamp !== undefined) {
      throw new Error(`delta source ${ctx.node}: give either version or timestamp, not both`);
    }
    const size = config.batch_size ?? 50_000;
    return {
      kind: 'source',
      async *read(signal): AsyncIterable<Emission> {
        const table = ctx.backend<Lake>('lake').table(config.table);
        // Pin one version so schema and rows come from the same snapshot.
        const version = await table.resolveVersion({ version: config.version, timestamp: config.timestamp });
        const { partitionColumns } = await table.schema({ version });
        const rows = await table.read({
          version,
          partitions: config.partitions,
          columns: config.columns,
          decimals: config.decimals,
        });
        // Group by partition, emit in partition order (e.g. trade dates ascending).
        const groups = new Map<string, Rec[]>();
        for (const r of rows) {
          const key = JSON.stringify(
            partitionColumns.map((c) =>
              r[c] instanceof Date ? (r[c] as Date).toISOString() : (r[c] ?? null),
            ),
          );
          let g = groups.get(key);
          if (!g) groups.set(key, (g = []));
          g.push(r);
        }
        const keys = [...groups.keys()].sort();
        for (const key of keys) {
          const recs = groups.get(key)!;
          const partition = Object.fromEntries(partitionColumns.map((c, i) => [c, JSON.parse(key)[i]]));
          for (let i = 0; i < recs.length; i += size) {
            if (signal.aborted) return;
            yield { records: recs.slice(i, i + size), meta: { table: config.table, version, partition } };
          }
        }
      },
    };
  },
});

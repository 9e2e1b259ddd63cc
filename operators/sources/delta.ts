/**
 * `delta`: reads a Delta table snapshot (latest, a version or a timestamp), optionally a
 * partition range, and emits one batch per partition (split into `batch_size` chunks), in
 * partition order. Meta carries `{table, version, partition}` so downstream knows the snapshot.
 * Partitions are read one at a time, `read_ahead` ahead of the one emitted, so a multi-year range
 * streams in bounded memory. Batches are column batches (`{records: [], table}`, numeric null-free columns as Float64Array):
 * the snapshot is decoded column-wise and no record is built unless a row-wise consumer asks.
 *
 * @example
 * - id: gold_in
 *   type: delta
 *   config: {table: gold/a_share_daily, partitions: {trade_date: {gte: "2024-01-01", lt: "2024-02-01"}}}
 */
import { table as aqTable, type ColumnTable } from 'arquero';
import { column, defineOperator, type Emission, type Lake, type Source } from '../../engine/api/index.ts';

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
  /**
   * A table that does not exist yet: `fail` (default) or `empty` (emit nothing, with a warning),
   * e.g. a Bronze table no collector has written to on a fresh lake.
   */
  if_missing?: 'fail' | 'empty';
  /** Partitions decoded ahead of the one being emitted (default 2). */
  read_ahead?: number;
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
      read_ahead: {
        type: 'integer',
        minimum: 1,
        default: 2,
        description: 'Partitions read ahead of the one emitted (memory is bounded by it)',
      },
      if_missing: {
        enum: ['fail', 'empty'],
        default: 'fail',
        description: 'A table that does not exist yet fails the read, or reads as empty',
      },
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
        if (config.if_missing === 'empty' && !(await table.exists())) {
          ctx.logger.warn({ table: config.table }, `delta source ${ctx.node}: no table yet, read as empty`);
          return;
        }
        // Pin one version so schema and rows come from the same snapshot.
        const version = await table.resolveVersion({ version: config.version, timestamp: config.timestamp });
        const { partitionColumns } = await table.schema({ version });
        const opts = {
          version,
          partitions: config.partitions,
          columns: config.columns,
          decimals: config.decimals,
        };
        // Columns all the way: no record is built here.
        // One partition at a time, in partition order, a few reads ahead: memory stays bounded by
        // the read-ahead however long the range (a multi-year backfill), and decoding the next
        // partitions overlaps the downstream work on this one.
        const parts = partitionColumns.length
          ? await table.partitions({ version, partitions: config.partitions })
          : [undefined];
        const ahead = Math.max(1, config.read_ahead ?? 2);
        const reads: Promise<ColumnTable>[] = [];
        const readAt = (k: number) => {
          const r = table.readTable({ ...opts, partitions: parts[k] ?? opts.partitions });
          r.catch(() => {}); // observed when its turn comes; a stop before then must not crash
          reads[k] = r;
        };
        for (let k = 0; k < parts.length; k++) {
          for (let j = k; j < Math.min(parts.length, k + ahead + 1); j++) if (!reads[j]) readAt(j);
          const rows = await reads[k];
          delete reads[k];
          const partition = parts[k]
            ? Object.fromEntries(Object.entries(parts[k]!).map(([c, v]) => [c, norm(v)]))
            : {};
          for (let i = 0; i < rows.numRows(); i += size) {
            if (signal.aborted) return;
            const chunk = sliceRows(rows, i, Math.min(rows.numRows(), i + size));
            yield { records: [], table: chunk, meta: { table: config.table, version, partition } };
          }
        }
      },
    };
  },
});

function norm(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : (v ?? null);
}

/** Rows `[lo, hi)` as a new table (typed columns stay typed; nothing is shared with `t` but values). */
function sliceRows(t: ColumnTable, lo: number, hi: number): ColumnTable {
  if (lo === 0 && hi === t.numRows()) return t;
  const cols: Record<string, unknown> = {};
  for (const name of t.columnNames()) {
    const c = column(t, name) as unknown[] | Float64Array;
    cols[name] = c.slice(lo, hi);
  }
  return aqTable(cols as Record<string, unknown[]>);
}

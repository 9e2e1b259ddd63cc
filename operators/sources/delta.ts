/**
 * `delta`: reads a Delta table snapshot (latest, a version or a timestamp), optionally a
 * partition range, and emits one batch per partition (split into `batch_size` chunks), in
 * partition order. Meta carries `{table, version, partition}` so downstream knows the snapshot.
 * Batches are column batches (`{records: [], table}`, numeric null-free columns as Float64Array):
 * the snapshot is decoded column-wise and no record is built unless a row-wise consumer asks.
 *
 * @example
 * - id: gold_in
 *   type: delta
 *   config: {table: gold/a_share_daily, partitions: {trade_date: {gte: "2024-01-01", lt: "2024-02-01"}}}
 */
import { table as aqTable, type ColumnTable } from 'arquero';
import {
  column,
  concatTables,
  defineOperator,
  type Emission,
  type Lake,
  type Source,
} from '../../engine/api/index.ts';

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
        const data = await table.readTable(opts);
        for (const { partition, rows } of partitionRuns(data, partitionColumns)) {
          for (let i = 0; i < rows.numRows(); i += size) {
            if (signal.aborted) return;
            const chunk =
              i === 0 && rows.numRows() <= size
                ? rows
                : sliceRows(rows, i, Math.min(rows.numRows(), i + size));
            yield { records: [], table: chunk, meta: { table: config.table, version, partition } };
          }
        }
      },
    };
  },
});

/**
 * Rows grouped by partition, in partition order (e.g. trade dates ascending). A snapshot's rows
 * come file by file, so equal partition values arrive in runs: keys are computed per run of
 * identical values, and a partition spread over several runs is concatenated.
 */
function partitionRuns(
  data: ColumnTable,
  partitionColumns: readonly string[],
): { partition: Record<string, unknown>; rows: ColumnTable }[] {
  const n = data.numRows();
  const cols = partitionColumns.map((c) => column(data, c) ?? { length: 0 });
  const groups = new Map<string, { lo: number; hi: number }[]>();
  let lo = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && cols.every((c) => c[i] === c[lo] || sameTime(c[i], c[lo]))) continue;
    const key = JSON.stringify(cols.map((c) => norm(c[lo])));
    const runs = groups.get(key);
    if (runs) runs.push({ lo, hi: i });
    else groups.set(key, [{ lo, hi: i }]);
    lo = i;
  }
  return [...groups.keys()].sort().map((key) => {
    const values = JSON.parse(key) as unknown[];
    const runs = groups.get(key)!;
    const parts = runs.map((r) => sliceRows(data, r.lo, r.hi));
    return {
      partition: Object.fromEntries(partitionColumns.map((c, i) => [c, values[i]])),
      rows: parts.length === 1 ? parts[0] : concatTables(parts),
    };
  });
}

function norm(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : (v ?? null);
}

function sameTime(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
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

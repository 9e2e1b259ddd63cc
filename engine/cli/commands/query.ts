/**
 * `argus query <table-path> [--version N | --timestamp T] [--sql "..."] [--format table|csv|json]`:
 * SQL over a Delta snapshot with DuckDB. Argus resolves the snapshot (so time travel and
 * checkpoints follow our reader) and exposes it as the view `t`: the snapshot's Parquet files
 * joined with their partition values from the log (never parsed from directory names), columns
 * in schema order, columns added by schema evolution null-filled.
 *
 * @example
 * argus query lake/gold/a_share_daily --sql "SELECT trade_date, count(*) FROM t GROUP BY 1 ORDER BY 1"
 * argus query lake/gold/a_share_daily --version 3 --format csv
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DuckDBInstance } from '@duckdb/node-api';
import { DeltaTable, absolute } from '../../lake/index.ts';

export interface QueryOptions {
  version?: number;
  timestamp?: string;
  sql?: string;
}

export interface QueryResult {
  version: number;
  columns: string[];
  rows: Record<string, unknown>[];
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** DuckDB type of a Delta primitive type. */
export function duckType(t: unknown): string {
  const s = String(t);
  const m = /^decimal\((\d+),\s*(\d+)\)$/.exec(s);
  if (m) return `DECIMAL(${m[1]},${m[2]})`;
  const map: Record<string, string> = {
    string: 'VARCHAR',
    long: 'BIGINT',
    integer: 'INTEGER',
    short: 'SMALLINT',
    byte: 'TINYINT',
    float: 'FLOAT',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    binary: 'BLOB',
    date: 'DATE',
    timestamp: 'TIMESTAMPTZ',
    timestamp_ntz: 'TIMESTAMP',
  };
  if (!map[s]) throw new Error(`query: column type ${s} is not supported`);
  return map[s];
}

/**
 * Runs `sql` (default `SELECT * FROM t LIMIT 50`) against the snapshot of the table at `path`.
 * @example const { rows } = await queryTable('lake/gold/a_share_daily', { sql: 'SELECT count(*) AS n FROM t' });
 */
export async function queryTable(path: string, o: QueryOptions = {}): Promise<QueryResult> {
  if (o.version !== undefined && o.timestamp !== undefined)
    throw new Error('query: give --version or --timestamp, not both');
  const table = await DeltaTable.open(path);
  const snap = await table.snapshot({ version: o.version, timestamp: o.timestamp });
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    await con.run(`SET TimeZone = 'UTC'`);
    const parts = snap.partitionColumns;
    const fieldOf = (c: string) => snap.fields.find((f) => f.name === c)!;
    const files = [...snap.files.values()];
    if (!files.length) {
      await con.run(
        `CREATE TEMP TABLE t (${snap.fields.map((f) => `${ident(f.name)} ${duckType(f.type)}`).join(', ')})`,
      );
    } else {
      const paths = files.map((a) => absolute(table.path, a.path));
      await con.run(
        `CREATE TEMP TABLE __files (filename VARCHAR${parts.map((c) => `, ${ident(c)} ${duckType(fieldOf(c).type)}`).join('')})`,
      );
      const values = files.map(
        (a, i) =>
          `(${lit(paths[i])}${parts
            .map((c) => {
              const v = a.partitionValues?.[c];
              return `, ${v === null || v === undefined ? 'NULL' : `CAST(${lit(v)} AS ${duckType(fieldOf(c).type)})`}`;
            })
            .join('')})`,
      );
      for (let i = 0; i < values.length; i += 500)
        await con.run(`INSERT INTO __files VALUES ${values.slice(i, i + 500).join(',')}`);
      const scan = `read_parquet([${paths.map(lit).join(',')}], filename = true, union_by_name = true)`;
      const present = new Set(
        (await (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`)).getRowObjectsJson()).map((r) =>
          String(r.column_name),
        ),
      );
      const select = snap.fields.map((f) => {
        if (parts.includes(f.name)) return `p.${ident(f.name)}`;
        return present.has(f.name)
          ? `CAST(d.${ident(f.name)} AS ${duckType(f.type)}) AS ${ident(f.name)}`
          : `CAST(NULL AS ${duckType(f.type)}) AS ${ident(f.name)}`;
      });
      await con.run(
        `CREATE TEMP VIEW t AS SELECT ${select.join(', ')} FROM ${scan} d JOIN __files p ON d.filename = p.filename`,
      );
    }
    const reader = await con.runAndReadAll(o.sql ?? 'SELECT * FROM t LIMIT 50');
    return { version: snap.version, columns: reader.columnNames(), rows: reader.getRowObjectsJson() };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** Renders query rows as an aligned text table, CSV or JSON. */
export function formatRows(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  format: 'table' | 'csv' | 'json',
): string {
  const text = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (format === 'json') return JSON.stringify(rows, null, 2);
  if (format === 'csv') {
    const q = (v: unknown) => {
      const s = text(v);
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    return [columns.map(q).join(','), ...rows.map((r) => columns.map((c) => q(r[c])).join(','))].join('\n');
  }
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join(' | ');
  return [
    line([...columns]),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...rows.map((r) => line(columns.map((c) => (r[c] === null ? 'NULL' : text(r[c]))))),
  ].join('\n');
}

export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('SQL over a Delta table snapshot (DuckDB); the table is the view `t`')
    .argument('<table-path>', 'Delta table directory, e.g. lake/gold/a_share_daily')
    .option('--version <n>', 'read this table version')
    .option('--timestamp <iso>', 'read the version current at this time (commit file mtimes, like delta-rs)')
    .option('--sql <sql>', 'query; the table is `t`', 'SELECT * FROM t LIMIT 50')
    .option('--format <format>', 'table | csv | json', 'table')
    .action(
      async (path: string, o: { version?: string; timestamp?: string; sql: string; format: string }) => {
        if (!['table', 'csv', 'json'].includes(o.format))
          throw new Error(`--format must be table, csv or json (got ${o.format})`);
        if (o.version !== undefined && !/^\d+$/.test(o.version))
          throw new Error(`--version must be a non-negative integer (got ${o.version})`);
        const r = await queryTable(resolve(path), {
          version: o.version === undefined ? undefined : Number(o.version),
          timestamp: o.timestamp,
          sql: o.sql,
        });
        process.stdout.write(formatRows(r.columns, r.rows, o.format as 'table' | 'csv' | 'json') + '\n');
        if (o.format === 'table') process.stderr.write(`(${r.rows.length} rows, version ${r.version})\n`);
      },
    );
}

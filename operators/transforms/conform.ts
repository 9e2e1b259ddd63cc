/**
 * `conform`: makes rows match a declared TableSchema version before a sink: keeps exactly the schema's
 * columns (extra working columns such as `close_qmt` or `fusion_issues` are dropped), fills
 * `now_columns` with the current time, and checks nullability, value types and each column's rules.
 * A row that does not conform goes to `error` with every problem listed; nothing reaches the table
 * that the declared version does not allow.
 *
 * Column-wise: columns are checked one after the other (schema order, so a row's problems are listed
 * in that order) and the schema's columns of the input are passed on as they are (copied only to
 * fill a missing value with null or the time, or to drop rejected rows).
 *
 * @example
 * - id: conform
 *   type: conform
 *   inputs: [adjust]
 *   config: {schema: gold.a_share_daily, version: 1, now_columns: [last_verified_utc]}
 */
import { table as aqTable, type ColumnTable } from 'arquero';
import type { Batch, Rec } from '../../engine/api/index.ts';
import { column, columnsOf, defineOperator, takeRows } from '../../engine/api/index.ts';
import { compileRules, type Check, type Rule } from '../lib/fusion/rules.ts';

export interface ConformConfig {
  schema: string;
  version: number;
  /** Columns set to the processing time when missing (e.g. last_verified_utc). */
  now_columns?: string[];
  /** Check column rules too (not only nullability and types). */
  check_rules?: boolean;
}

interface Column {
  name: string;
  type: string;
  nullable?: boolean;
  rules?: Record<string, unknown>[];
}
interface TableSchemaSpec {
  table: string;
  partitionBy?: string[];
  columns: Column[];
}

/** The check of a value against a column type: why it is not of that type, or undefined. */
export function typeCheck(type: string): (v: unknown) => string | undefined {
  const t = type.toLowerCase().replace(/\s+/g, '');
  if (t === 'date')
    return (v) =>
      typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)
        ? undefined
        : `${JSON.stringify(v)} is not a YYYY-MM-DD date`;
  if (t === 'timestamp' || t === 'timestamp_ntz') {
    return (v) =>
      v instanceof Date
        ? Number.isNaN(v.getTime())
          ? 'invalid Date'
          : undefined
        : typeof v === 'string' && !Number.isNaN(Date.parse(v))
          ? undefined
          : `${JSON.stringify(v)} is not a timestamp`;
  }
  if (t === 'string')
    return (v) => (typeof v === 'string' ? undefined : `${JSON.stringify(v)} is not a string`);
  if (t === 'boolean')
    return (v) => (typeof v === 'boolean' ? undefined : `${JSON.stringify(v)} is not a boolean`);
  if (['long', 'integer', 'int', 'short', 'byte', 'bigint'].includes(t)) {
    return (v) =>
      typeof v === 'bigint' || Number.isSafeInteger(v) ? undefined : `${JSON.stringify(v)} is not a ${t}`;
  }
  const dec = /^decimal\((\d+),(\d+)\)$/.exec(t);
  if (dec) {
    const limit = 10 ** (Number(dec[1]) - Number(dec[2]));
    return (v) => {
      const n = typeof v === 'string' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) return `${JSON.stringify(v)} is not a finite decimal`;
      return Math.abs(n) < limit ? undefined : `${n} overflows ${type}`;
    };
  }
  if (t === 'double' || t === 'float')
    return (v) => (typeof v === 'number' ? undefined : `${JSON.stringify(v)} is not a number`);
  return () => undefined;
}

/**
 * A quick test that a number is valid for a numeric column: true only when the full check (type,
 * then rules) would pass; anything else (false) goes through the full check, which gives the reason.
 * Built only for the types and rules it covers.
 */
export interface Quick {
  /** |v| must be below (rejects NaN and ±Infinity too). */
  limit: number;
  integer: boolean;
  min: number;
  max: number;
  gt: number;
  lt: number;
  fields: { name: string; op: 'gte_field' | 'lte_field' | 'gt_field' | 'lt_field' }[];
}

/**
 * The quick test of a numeric column type and its rules, or undefined when it covers neither
 * (then every value takes the full check).
 * @example quickNumber('decimal(5,2)', [{ min: 0 }, { max: 100 }]) // {limit: 1000, min: 0, max: 100, ...}
 */
export function quickNumber(type: string, rules: Record<string, unknown>[] = []): Quick | undefined {
  const t = type.toLowerCase().replace(/\s+/g, '');
  const dec = /^decimal\((\d+),(\d+)\)$/.exec(t);
  const q: Quick = {
    limit: Infinity,
    integer: false,
    min: -Infinity,
    max: Infinity,
    gt: -Infinity,
    lt: Infinity,
    fields: [],
  };
  if (dec) q.limit = 10 ** (Number(dec[1]) - Number(dec[2]));
  else if (['long', 'integer', 'int', 'short', 'byte', 'bigint'].includes(t)) {
    q.limit = 2 ** 53;
    q.integer = true;
  } else if (t !== 'double' && t !== 'float') return undefined;
  for (const rule of rules) {
    const [name, arg] = Object.entries(rule)[0] ?? [];
    if (name === 'min' && typeof arg === 'number') q.min = Math.max(q.min, arg);
    else if (name === 'max' && typeof arg === 'number') q.max = Math.min(q.max, arg);
    else if (name === 'gt' && typeof arg === 'number') q.gt = Math.max(q.gt, arg);
    else if (name === 'lt' && typeof arg === 'number') q.lt = Math.min(q.lt, arg);
    else if (name === 'integer' && arg === true) q.integer = true;
    else if (
      (name === 'gte_field' || name === 'lte_field' || name === 'gt_field' || name === 'lt_field') &&
      typeof arg === 'string'
    )
      q.fields.push({ name: arg, op: name });
    else return undefined;
  }
  return q;
}

/** `v` passes the column's quick test in row `row` (comparands that are not finite numbers do not count). */
export function quickOk(
  q: Quick,
  v: number,
  fields: { op: string; col: ArrayLike<unknown> | undefined }[],
  row: number,
): boolean {
  if (!(Math.abs(v) < q.limit && v >= q.min && v <= q.max && v > q.gt && v < q.lt)) return false;
  if (q.integer && !Number.isInteger(v)) return false;
  for (let k = 0; k < fields.length; k++) {
    const o = fields[k].col?.[row];
    if (typeof o !== 'number' || !Number.isFinite(o)) continue;
    const op = fields[k].op;
    if (
      op === 'gte_field'
        ? !(v >= o)
        : op === 'lte_field'
          ? !(v <= o)
          : op === 'gt_field'
            ? !(v > o)
            : !(v < o)
    )
      return false;
  }
  return true;
}

export default defineOperator<ConformConfig>({
  type: 'conform',
  role: 'transform',
  description:
    'Projects rows onto a TableSchema version and rejects rows that break its nullability, types or column rules.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['schema', 'version'],
    properties: {
      schema: { type: 'string', description: 'TableSchema metadata.name' },
      version: { type: 'integer', minimum: 1 },
      now_columns: { type: 'array', items: { type: 'string' } },
      check_rules: { type: 'boolean', default: true },
    },
  },
  examples: [
    {
      title: 'Gold v1',
      config: { schema: 'gold.a_share_daily', version: 1, now_columns: ['last_verified_utc'] },
    },
  ],
  create(config, ctx) {
    const doc = ctx
      .specs<TableSchemaSpec>('TableSchema')
      .find((d) => d.metadata.name === config.schema && Number(d.metadata.version) === config.version);
    if (!doc)
      throw new Error(`conform: TableSchema ${config.schema} version ${config.version} is not loaded`);
    const nowCols = new Set(config.now_columns ?? []);
    const columns = doc.spec.columns.map((c) => {
      const numeric = !/^(string|date|timestamp|timestamp_ntz|boolean)$/i.test(c.type.trim());
      const rules: Check | undefined =
        config.check_rules === false || !c.rules?.length
          ? undefined
          : compileRules(numeric ? 'number' : 'string', c.rules as Rule[]);
      const cross = (c.rules ?? []).some((r) => Object.keys(r).some((key) => key.endsWith('_field')));
      const memo = /^(string|date)$/i.test(c.type.trim()) && !cross;
      const quick = quickNumber(c.type, rules ? c.rules : []);
      return {
        name: c.name,
        nullable: c.nullable ?? true,
        type: typeCheck(c.type),
        rules,
        numeric,
        memo,
        cross,
        quick,
      };
    });
    // String values already found valid, per column: symbols, dates and enum values repeat every
    // day, so each distinct value is checked (regular expression, enum search) once, not per row.
    // Only for columns whose rules do not read another field: the verdict depends on the value alone.
    const known = columns.map((c) => (c.memo ? new Set<unknown>() : undefined));
    const recordOf = (batch: Batch, t: ColumnTable, i: number): Rec =>
      batch.table ? (t.object(i) as Rec) : batch.records[i];

    return {
      kind: 'batch',
      process(batch, emit) {
        const t = columnsOf(batch);
        const n = t.numRows();
        if (n === 0) return;
        const now = new Date();
        const input = new Map(t.columnNames().map((name) => [name, column<unknown>(t, name)!]));
        // Cross-field rules read the input row as it came (before now_columns are filled).
        let row = 0;
        const other = (f: string) => input.get(f)?.[row];
        // Problems per rejected row, in schema column order (columns are checked in that order).
        const problems = new Map<number, string[]>();
        const fail = (i: number, msg: string) => {
          const list = problems.get(i);
          if (list) list.push(msg);
          else problems.set(i, [msg]);
        };
        const outCols: Record<string, ArrayLike<unknown>> = {};
        columns.forEach((c, k) => {
          const values = input.get(c.name);
          const isNow = nowCols.has(c.name);
          const seen = known[k];
          const q = c.quick;
          const fieldCols = q?.fields.map((f) => ({ op: f.op, col: input.get(f.name) }));
          let nowBad: string | undefined | null = null; // the verdict on `now`, once (no cross rules)
          let filled: unknown[] | undefined; // a copy, once a missing value must become null or now
          for (row = 0; row < n; row++) {
            const v = values?.[row];
            if (q && typeof v === 'number' && quickOk(q, v, fieldCols!, row)) continue;
            if (v === undefined || v === null) {
              filled ??= values ? Array.from(values) : new Array<unknown>(n);
              filled[row] = isNow ? now : null;
              if (!isNow) {
                if (!c.nullable) fail(row, `${c.name}: missing (not nullable)`);
                continue;
              }
              if (!c.cross) {
                if (nowBad === null) nowBad = c.type(now) ?? c.rules?.(now, other);
                if (nowBad) fail(row, `${c.name}: ${nowBad}`);
                continue;
              }
            }
            if (seen?.has(v)) continue;
            const value = v ?? now;
            const bad =
              c.type(value) ??
              c.rules?.(c.numeric && typeof value === 'string' ? Number(value) : value, other);
            if (bad) fail(row, `${c.name}: ${bad}`);
            else if (seen && typeof v === 'string') {
              if (seen.size >= 1 << 16) seen.clear();
              seen.add(v);
            }
          }
          outCols[c.name] = filled ?? values!;
        });
        let out = aqTable(outCols as Record<string, unknown[]>);
        if (problems.size) {
          const at = now.toISOString();
          const ok: number[] = [];
          for (let i = 0; i < n; i++) {
            const list = problems.get(i);
            if (!list) ok.push(i);
            else
              emit(
                {
                  node: ctx.node,
                  reason: `does not conform to ${config.schema} v${config.version}: ${list.join('; ')}`,
                  at,
                  record: recordOf(batch, t, i),
                },
                'error',
              );
          }
          out = takeRows(out, ok);
        }
        if (out.numRows() > 0) emit.table(out);
      },
    };
  },
});

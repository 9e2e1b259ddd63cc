/**
 * `conform`: makes rows match a declared TableSchema version before a sink: keeps exactly the schema's
 * columns (extra working columns such as `close_qmt` or `fusion_issues` are dropped), fills
 * `now_columns` with the current time, and checks nullability, value types and each column's rules.
 * A row that does not conform goes to `error` with every problem listed; nothing reaches the table
 * that the declared version does not allow.
 *
 * @example
 * - id: conform
 *   type: conform
 *   inputs: [adjust]
 *   config: {schema: gold.a_share_daily, version: 1, now_columns: [last_verified_utc]}
 */
import type { Rec } from '../../engine/api/index.ts';
import { defineOperator } from '../../engine/api/index.ts';
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

function typeCheck(type: string): (v: unknown) => string | undefined {
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
    const intDigits = Number(dec[1]) - Number(dec[2]);
    return (v) => {
      const n = typeof v === 'string' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) return `${JSON.stringify(v)} is not a finite decimal`;
      return Math.abs(n) < 10 ** intDigits ? undefined : `${n} overflows ${type}`;
    };
  }
  if (t === 'double' || t === 'float')
    return (v) => (typeof v === 'number' ? undefined : `${JSON.stringify(v)} is not a number`);
  return () => undefined;
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
      return { name: c.name, nullable: c.nullable ?? true, type: typeCheck(c.type), rules, numeric };
    });
    return {
      kind: 'record',
      process(r) {
        const out: Rec = {};
        const problems: string[] = [];
        const now = new Date();
        for (const c of columns) {
          let v = r[c.name];
          if ((v === undefined || v === null) && nowCols.has(c.name)) v = now;
          if (v === undefined || v === null) {
            if (!c.nullable) problems.push(`${c.name}: missing (not nullable)`);
            out[c.name] = null;
            continue;
          }
          const bad = c.type(v) ?? c.rules?.(c.numeric && typeof v === 'string' ? Number(v) : v, (f) => r[f]);
          if (bad) problems.push(`${c.name}: ${bad}`);
          out[c.name] = v;
        }
        if (problems.length)
          throw new Error(`does not conform to ${config.schema} v${config.version}: ${problems.join('; ')}`);
        return out;
      },
    };
  },
});

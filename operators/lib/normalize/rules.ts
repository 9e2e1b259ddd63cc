/**
 * Compiles YAML normalisation rules into one function over a column table (and, for single
 * records, {@link compileRules}). A rule applies to rows whose fields equal its `when` values
 * (e.g. `{source: tushare, dataset: daily}`); the first matching rule wins. Each output field
 * names its input field(s) (`from`, first present wins; default the field's own name), a type,
 * and optionally a unit factor, bounds and whether it is required.
 * A row with problems is refused with one message listing every bad field, so a rejected record
 * says all that is wrong with it. Output: one table per rule that matched rows (its own columns:
 * `keep`, `set`, then `fields`), rows in input order within a rule.
 *
 * @example
 * const norm = compileRules([{ when: { source: 'tushare', dataset: 'daily' },
 *   keep: ['source', 'dataset'],
 *   fields: { symbol: { from: 'ts_code', type: 'symbol', required: true },
 *             volume: { from: 'vol', type: 'integer', scale: 100, min: 0 } } }]);
 * norm({ source: 'tushare', dataset: 'daily', ts_code: '600519.SH', vol: 1.5 });
 * // { source: 'tushare', dataset: 'daily', symbol: '600519.SH', volume: 150 }
 */
import { table, type ColumnTable } from 'arquero';
import { tableFromRecords, takeRows, type Rec } from '../../../engine/api/index.ts';
import { outputColumn, type ColumnField } from './columns.ts';
import { converter } from './convert.ts';

export type FieldType = 'date' | 'symbol' | 'number' | 'integer' | 'string' | 'boolean' | 'timestamp';

export interface FieldRule {
  from?: string | string[];
  type: FieldType;
  /** Unit factor applied to numbers (100 for 手 → shares, 1000 for 千元 → yuan). */
  scale?: number;
  required?: boolean;
  min?: number;
  max?: number;
  /** Allowed values (strings). */
  enum?: string[];
}

export interface NormalizeRule {
  when?: Record<string, string | string[]>;
  /** Fields copied unchanged (context such as source, dataset, fetched_at, event_id). */
  keep?: string[];
  /** Constant fields added to every output record (e.g. the Bronze table it belongs to). */
  set?: Record<string, string | number | boolean | null>;
  fields: Record<string, FieldRule>;
}

/** Whether row `r` of `input` matches the rule's `when` values. */
function matcher(when: NormalizeRule['when']): (input: ColumnTable) => (r: number) => boolean {
  const entries = Object.entries(when ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v : [v]] as const);
  return (input) => {
    const cols = entries.map(([k, vs]) => [input.column(k) as ArrayLike<unknown> | undefined, vs] as const);
    return (r) => {
      for (const [col, vs] of cols) if (!vs.includes(col?.[r] as string)) return false;
      return true;
    };
  };
}

/** What {@link compileColumnRules} makes of an input table. */
export interface Normalized {
  /** One table per rule that matched (and kept) rows, in rule order. */
  tables: ColumnTable[];
  /** Refused input rows (indexes into the input) with their reasons, in input order. */
  errors: { row: number; reason: string }[];
}

interface CompiledRule {
  matches: (input: ColumnTable) => (r: number) => boolean;
  keep: string[];
  set: [string, unknown][];
  fields: ColumnField[];
}

/** The rule's output table over the input rows `rows`; refused rows are reported in `errors`. */
function applyRule(rule: CompiledRule, input: ColumnTable, rows: Int32Array, errors: Normalized['errors']) {
  const m = rows.length;
  const problems: (string[] | undefined)[] = [];
  const cols: Record<string, ArrayLike<unknown>> = {};
  const column = (name: string) => input.column(name) as ArrayLike<unknown> | undefined;
  for (const k of rule.keep) {
    const c = column(k);
    const out = new Array<unknown>(m);
    for (let j = 0; j < m; j++) out[j] = c?.[rows[j]] ?? null;
    cols[k] = out;
  }
  for (const [k, v] of rule.set) cols[k] = new Array<unknown>(m).fill(v);
  for (const f of rule.fields) cols[f.name] = outputColumn(f, f.from.map(column), rows, problems);
  if (!problems.length) return table(cols);
  // Refused rows leave the table (rare: the good rows are gathered once).
  const kept: number[] = [];
  for (let j = 0; j < m; j++)
    if (problems[j]) errors.push({ row: rows[j], reason: problems[j]!.join('; ') });
    else kept.push(j);
  return kept.length ? takeRows(table(cols), kept) : undefined;
}

/**
 * The rules as one function over a column table (see {@link Normalized}). Each field is converted
 * in a loop over its column, so no per-row object is built; Bronze runs this once per source row.
 * @example
 * const { tables, errors } = compileColumnRules(rules)(columnsOf(batch));
 */
export function compileColumnRules(rules: readonly NormalizeRule[]): (input: ColumnTable) => Normalized {
  const compiled: CompiledRule[] = rules.map((rule) => ({
    matches: matcher(rule.when),
    keep: rule.keep ?? [],
    set: Object.entries(rule.set ?? {}),
    fields: Object.entries(rule.fields).map(([name, f]) => ({
      name,
      from: f.from === undefined ? [name] : Array.isArray(f.from) ? f.from : [f.from],
      required: f.required ?? false,
      numeric: f.type === 'number' || f.type === 'integer',
      convert: converter(f),
      num:
        f.type === 'number' || f.type === 'integer'
          ? { scale: f.scale ?? 1, integer: f.type === 'integer', min: f.min, max: f.max }
          : undefined,
    })),
  }));
  return (input) => {
    const n = input.numRows();
    const errors: Normalized['errors'] = [];
    // Rule per row; rows of one batch nearly always share a rule, so the last match is tried first.
    const ruleOf = new Int32Array(n).fill(-1);
    const counts = new Int32Array(compiled.length);
    const tests = compiled.map((c) => c.matches(input));
    let last = 0;
    for (let r = 0; r < n; r++) {
      const k = tests[last]?.(r) ? last : tests.findIndex((t) => t(r));
      if (k < 0) {
        const text = (f: string) => JSON.stringify((input.column(f) as ArrayLike<unknown> | undefined)?.[r]);
        errors.push({
          row: r,
          reason: `no normalisation rule for source=${text('source')} dataset=${text('dataset')}`,
        });
        continue;
      }
      ruleOf[r] = last = k;
      counts[k]++;
    }
    const tables: ColumnTable[] = [];
    compiled.forEach((rule, k) => {
      if (!counts[k]) return;
      const rows = new Int32Array(counts[k]);
      for (let r = 0, j = 0; r < n; r++) if (ruleOf[r] === k) rows[j++] = r;
      const t = applyRule(rule, input, rows, errors);
      if (t) tables.push(t);
    });
    errors.sort((a, b) => a.row - b.row);
    return { tables, errors };
  };
}

/**
 * The rules for one record at a time (tests, tools): the normalised record, or an error listing
 * every problem. The same code as the column version, over a one-row table.
 */
export function compileRules(rules: readonly NormalizeRule[]): (r: Rec) => Rec {
  const norm = compileColumnRules(rules);
  return (rec) => {
    const { tables, errors } = norm(tableFromRecords([rec]));
    if (errors.length) throw new Error(errors[0].reason);
    return tables[0].object(0) as Rec;
  };
}

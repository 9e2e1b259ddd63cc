/**
 * Differences between two versions of a `TableSchema` document, each classified as compatible or
 * breaking (domain §4): additive nullable columns, wider types and looser nullability are compatible;
 * dropping or renaming a column, narrowing or changing a type, tightening nullability, adding a
 * non-nullable column and changing the partitioning or table path are breaking. Descriptions, rules
 * and properties are listed as informational.
 *
 * @example
 * const d = diffTableSchemas(v1, v2);
 * d.verdict // 'compatible' | 'breaking' | 'unchanged'
 */
import { typeChange, normaliseType } from './types.ts';

export interface ColumnSpec {
  name: string;
  type: string;
  nullable?: boolean;
  description?: string;
  rules?: unknown[];
}

export interface TableSchemaSpec {
  table: string;
  partitionBy?: string[];
  properties?: Record<string, unknown>;
  columns: ColumnSpec[];
}

export interface SchemaDoc {
  name: string;
  version: string | number;
  /** Repository-relative path of the file the document came from. */
  file: string;
  spec: TableSchemaSpec;
}

export type Severity = 'breaking' | 'compatible' | 'info';

export interface Change {
  kind: 'column-added' | 'column-removed' | 'column-renamed' | 'type' | 'nullability' | 'partitioning' | 'table' | 'description' | 'rules' | 'properties' | 'order';
  column?: string;
  from?: unknown;
  to?: unknown;
  severity: Severity;
  message: string;
}

export interface TableDiff {
  name: string;
  base?: SchemaDoc;
  head?: SchemaDoc;
  changes: Change[];
  verdict: 'unchanged' | 'compatible' | 'breaking';
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function verdictOf(changes: readonly Change[]): TableDiff['verdict'] {
  if (changes.some((c) => c.severity === 'breaking')) return 'breaking';
  return changes.length ? 'compatible' : 'unchanged';
}

export function diffTableSchemas(base: SchemaDoc | undefined, head: SchemaDoc | undefined): TableDiff {
  const name = (head ?? base)!.name;
  const changes: Change[] = [];
  if (!base || !head) {
    if (!base) changes.push({ kind: 'table', to: head!.spec.table, severity: 'compatible', message: `new table schema ${name} (${head!.spec.columns.length} columns)` });
    else changes.push({ kind: 'table', from: base.spec.table, severity: 'breaking', message: `table schema ${name} removed` });
    return { name, base, head, changes, verdict: verdictOf(changes) };
  }
  const a = base.spec;
  const b = head.spec;
  if (a.table !== b.table) changes.push({ kind: 'table', from: a.table, to: b.table, severity: 'breaking', message: `table path changed from ${a.table} to ${b.table}` });
  if (!same(a.partitionBy ?? [], b.partitionBy ?? [])) {
    changes.push({ kind: 'partitioning', from: a.partitionBy ?? [], to: b.partitionBy ?? [], severity: 'breaking', message: `partitioning changed from [${(a.partitionBy ?? []).join(', ')}] to [${(b.partitionBy ?? []).join(', ')}]` });
  }
  if (!same(a.properties ?? {}, b.properties ?? {})) changes.push({ kind: 'properties', from: a.properties, to: b.properties, severity: 'info', message: 'table properties changed' });

  const before = new Map(a.columns.map((c) => [c.name, c]));
  const after = new Map(b.columns.map((c) => [c.name, c]));
  const removed = a.columns.filter((c) => !after.has(c.name));
  const added = b.columns.filter((c) => !before.has(c.name));
  // A removed and an added column at the same position with the same type read as a rename.
  for (const r of [...removed]) {
    const pos = a.columns.indexOf(r);
    const twin = added.find((c) => b.columns.indexOf(c) === pos && normaliseType(c.type) === normaliseType(r.type));
    if (!twin) continue;
    removed.splice(removed.indexOf(r), 1);
    added.splice(added.indexOf(twin), 1);
    changes.push({ kind: 'column-renamed', column: twin.name, from: r.name, to: twin.name, severity: 'breaking', message: `column ${r.name} renamed to ${twin.name}` });
  }
  for (const r of removed) changes.push({ kind: 'column-removed', column: r.name, from: r.type, severity: 'breaking', message: `column ${r.name} (${r.type}) removed` });
  for (const c of added) {
    const nullable = c.nullable ?? true;
    changes.push({
      kind: 'column-added', column: c.name, to: `${c.type}${nullable ? '' : ' not null'}`,
      severity: nullable ? 'compatible' : 'breaking',
      message: nullable ? `nullable column ${c.name} (${c.type}) added` : `non-nullable column ${c.name} (${c.type}) added: existing rows have no value`,
    });
  }
  for (const [colName, x] of before) {
    const y = after.get(colName);
    if (!y) continue;
    const t = typeChange(x.type, y.type);
    if (t !== 'same') changes.push({ kind: 'type', column: colName, from: x.type, to: y.type, severity: t === 'widening' ? 'compatible' : 'breaking', message: `${colName}: type ${x.type} → ${y.type} (${t === 'widening' ? 'widening' : 'narrowing or incompatible'})` });
    const nx = x.nullable ?? true;
    const ny = y.nullable ?? true;
    if (nx !== ny) changes.push({ kind: 'nullability', column: colName, from: nx, to: ny, severity: ny ? 'compatible' : 'breaking', message: `${colName}: ${ny ? 'nullable now (relaxed)' : 'not nullable now (tightened)'}` });
    if ((x.description ?? '') !== (y.description ?? '')) changes.push({ kind: 'description', column: colName, from: x.description, to: y.description, severity: 'info', message: `${colName}: description changed` });
    if (!same(x.rules ?? [], y.rules ?? [])) changes.push({ kind: 'rules', column: colName, from: x.rules, to: y.rules, severity: 'info', message: `${colName}: quality rules changed` });
  }
  const order = (cols: ColumnSpec[]) => cols.map((c) => c.name).filter((n) => before.has(n) && after.has(n));
  if (!same(order(a.columns), order(b.columns))) changes.push({ kind: 'order', severity: 'info', message: 'column order changed' });
  // Informational changes alone do not make a schema change; they are still listed.
  const verdict = changes.some((c) => c.severity !== 'info') ? verdictOf(changes) : changes.length ? 'compatible' : 'unchanged';
  return { name, base, head, changes, verdict };
}

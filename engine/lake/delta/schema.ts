/**
 * Table schema: `schemaString` (de)serialisation, validation, enforcement rules and additive
 * evolution (P §Schema Serialization Format, §Schema Evolution via new metaData).
 */
import type { Field, Metadata, Protocol, StructType } from './types.ts';
import { DeltaSchemaError } from './types.ts';
import { primOf } from './values.ts';

/** A column as authors write it (TableSchema spec, API). */
export interface ColumnDef {
  name: string;
  type: string;
  nullable?: boolean;
  description?: string;
}

/** Delta fields from column definitions (description → field metadata `comment`). */
export function fieldsOf(columns: readonly ColumnDef[]): Field[] {
  return columns.map((c) => ({
    name: c.name,
    type: normaliseType(c.type, c.name),
    nullable: c.nullable ?? true,
    metadata: c.description ? { comment: c.description } : {},
  }));
}

function normaliseType(type: string, column: string): string {
  const t = type.trim().toLowerCase().replace(/\s+/g, '');
  const alias: Record<string, string> = { int: 'integer', bigint: 'long', bool: 'boolean', smallint: 'short', tinyint: 'byte' };
  const out = alias[t] ?? t;
  primOf(out, column); // validates
  return out;
}

export function schemaString(fields: readonly Field[]): string {
  return JSON.stringify({ type: 'struct', fields });
}

export function parseSchema(text: string): StructType {
  const s = JSON.parse(text) as StructType;
  if (s?.type !== 'struct' || !Array.isArray(s.fields)) throw new DeltaSchemaError('schemaString is not a struct');
  for (const f of s.fields) f.metadata ??= {};
  return s;
}

/** Refuses duplicate names (ignoring case), unknown types and bad partition columns. */
export function validateFields(fields: readonly Field[], partitionColumns: readonly string[]): void {
  const seen = new Set<string>();
  for (const f of fields) {
    if (!f.name) throw new DeltaSchemaError('a column has an empty name');
    const k = f.name.toLowerCase();
    if (seen.has(k)) throw new DeltaSchemaError(`column '${f.name}' appears twice (names are case-insensitive)`);
    seen.add(k);
    primOf(f.type, f.name);
  }
  for (const p of partitionColumns) {
    if (!fields.some((f) => f.name === p)) throw new DeltaSchemaError(`partition column '${p}' is not in the schema`);
  }
}

const READER_FEATURES = new Set(['timestampNtz', 'columnMapping_none']);
const WRITER_FEATURES = new Set(['appendOnly', 'invariants', 'timestampNtz']);

/** Throws unless this reader understands the table's protocol. */
export function checkReadable(p: Protocol, where: string): void {
  if (p.minReaderVersion > 3) throw new DeltaSchemaError(`${where}: reader version ${p.minReaderVersion} is not supported`);
  const bad = (p.readerFeatures ?? []).filter((f) => !READER_FEATURES.has(f));
  if (bad.length) throw new DeltaSchemaError(`${where}: unsupported reader features ${bad.join(', ')}`);
}

/**
 * Throws unless this writer can honour the table's protocol and rules: writer features, column
 * invariants and CHECK constraints (which we cannot evaluate, so we refuse rather than ignore).
 */
export function checkWritable(p: Protocol, md: Metadata, where: string): void {
  checkReadable(p, where);
  if (p.minWriterVersion > 7) throw new DeltaSchemaError(`${where}: writer version ${p.minWriterVersion} is not supported`);
  if (p.minWriterVersion > 2 && p.minWriterVersion < 7) {
    throw new DeltaSchemaError(`${where}: writer version ${p.minWriterVersion} (e.g. CHECK constraints, generated columns) is not supported`);
  }
  const bad = (p.writerFeatures ?? []).filter((f) => !WRITER_FEATURES.has(f));
  if (bad.length) throw new DeltaSchemaError(`${where}: unsupported writer features ${bad.join(', ')}`);
  for (const f of parseSchema(md.schemaString).fields) {
    if (f.metadata['delta.invariants']) throw new DeltaSchemaError(`${where}: column '${f.name}' has an invariant this writer cannot evaluate`);
  }
  const constraints = Object.keys(md.configuration ?? {}).filter((k) => k.startsWith('delta.constraints.'));
  if (constraints.length) throw new DeltaSchemaError(`${where}: CHECK constraints (${constraints.join(', ')}) are not supported`);
}

/**
 * The schema after adding `wanted`'s new columns to `current`. Existing columns must keep their
 * type and nullability; new ones must be nullable (old files hold no values for them).
 * Returns null when nothing changes.
 */
export function evolve(current: readonly Field[], wanted: readonly Field[]): Field[] | null {
  const byName = new Map(current.map((f) => [f.name.toLowerCase(), f]));
  const added: Field[] = [];
  for (const w of wanted) {
    const c = byName.get(w.name.toLowerCase());
    if (!c) {
      if (!w.nullable) throw new DeltaSchemaError(`column '${w.name}': a new column must be nullable (existing rows hold no value)`);
      added.push(w);
    } else {
      if (c.name !== w.name) throw new DeltaSchemaError(`column '${w.name}': differs in case from the table's '${c.name}'`);
      if (JSON.stringify(c.type) !== JSON.stringify(w.type)) {
        throw new DeltaSchemaError(`column '${w.name}': type ${JSON.stringify(w.type)} does not match the table's ${JSON.stringify(c.type)} (type changes are not allowed)`);
      }
      if (c.nullable && !w.nullable) throw new DeltaSchemaError(`column '${w.name}': cannot tighten nullability of an existing column`);
    }
  }
  return added.length ? [...current, ...added] : null;
}

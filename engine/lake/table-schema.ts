/**
 * The `TableSchema` spec kind: JSON Schema of its `spec`, cross-field checks, and a loader for
 * `argus table create --schema` until the engine's spec loader is wired in.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { LakeTableSchemaSpec } from '../api/lake.ts';
import { primOf } from './delta/values.ts';

export type TableSchemaSpec = LakeTableSchemaSpec;

const TYPE_PATTERN =
  '^(string|long|integer|short|byte|float|double|boolean|binary|date|timestamp|timestamp_ntz|decimal\\(\\s*\\d+\\s*,\\s*\\d+\\s*\\))$';

export const tableSchemaJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['table', 'columns'],
  properties: {
    table: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_./-]+$', description: 'Path of the table under the lake root, e.g. gold/a_share_daily' },
    partitionBy: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    properties: { type: 'object', additionalProperties: { type: 'string' }, description: 'Delta table properties, e.g. delta.checkpointInterval' },
    columns: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type'],
        properties: {
          name: { type: 'string', minLength: 1 },
          type: { type: 'string', pattern: TYPE_PATTERN },
          nullable: { type: 'boolean', default: true },
          description: { type: 'string' },
          rules: { type: 'array', items: { type: 'object' }, description: 'Free-form quality rules' },
        },
      },
    },
  },
} as const;

/** Problems beyond the JSON Schema: duplicate names, partition columns, decimal bounds. */
export function checkTableSchema(spec: TableSchemaSpec): { pointer: string; message: string }[] {
  const out: { pointer: string; message: string }[] = [];
  const seen = new Map<string, number>();
  spec.columns.forEach((c, i) => {
    const k = c.name.toLowerCase();
    if (seen.has(k)) out.push({ pointer: `/columns/${i}/name`, message: `column '${c.name}' repeats /columns/${seen.get(k)} (names are case-insensitive)` });
    seen.set(k, i);
    try {
      primOf(c.type, c.name);
    } catch (e) {
      out.push({ pointer: `/columns/${i}/type`, message: (e as Error).message });
    }
  });
  (spec.partitionBy ?? []).forEach((p, i) => {
    const col = spec.columns.find((c) => c.name === p);
    if (!col) out.push({ pointer: `/partitionBy/${i}`, message: `partition column '${p}' is not a column` });
    else if (/^(binary|float|double)$/.test(col.type)) out.push({ pointer: `/partitionBy/${i}`, message: `'${p}' of type ${col.type} cannot be a partition column` });
  });
  return out;
}

export interface TableSchemaDoc {
  apiVersion: 'argus/v1';
  kind: 'TableSchema';
  metadata: { name: string; version: string | number };
  spec: TableSchemaSpec;
}

/** Reads and validates a TableSchema YAML file; the error lists every problem with its pointer. */
export async function parseTableSchema(file: string): Promise<TableSchemaDoc> {
  const doc = parse(await readFile(file, 'utf8')) as TableSchemaDoc;
  const problems: string[] = [];
  if (doc?.apiVersion !== 'argus/v1') problems.push(`apiVersion must be argus/v1`);
  if (doc?.kind !== 'TableSchema') problems.push(`kind must be TableSchema (got ${String(doc?.kind)})`);
  if (!doc?.metadata?.name || doc.metadata.version === undefined) problems.push('metadata needs name and version');
  const ajv = new Ajv({ allErrors: true, useDefaults: true });
  const validate = ajv.compile(tableSchemaJsonSchema);
  if (!validate(doc?.spec)) for (const e of validate.errors ?? []) problems.push(`spec${e.instancePath}: ${e.message}`);
  else for (const p of checkTableSchema(doc.spec)) problems.push(`spec${p.pointer}: ${p.message}`);
  if (problems.length) throw new Error(`${file}: invalid TableSchema:\n  - ${problems.join('\n  - ')}`);
  return doc;
}

/**
 * Loads and validates a quality spec document from a YAML file without the engine's spec loader,
 * for tests and the CLI (`argus quality report`). Errors name the file and the JSON pointer.
 *
 * @example
 * const policy = loadSpecFile<QualityPolicySpec>('policies/quality.yaml', qualityPolicyKind);
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import type { SpecDoc, SpecKind } from '../../../engine/api/index.ts';

export function loadSpecFile<S>(file: string, kind: SpecKind<S>): SpecDoc<S> {
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return validateSpec({ ...raw, file } as unknown as SpecDoc<S>, kind);
}

/** Validates a parsed document against its kind (schema then cross-field checks); throws listing every problem. */
export function validateSpec<S>(doc: SpecDoc<S>, kind: SpecKind<S>): SpecDoc<S> {
  const where = doc.file ?? '<inline>';
  if (doc.kind !== kind.kind)
    throw new Error(`${where}: expected kind ${kind.kind}, found ${String(doc.kind)}`);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(kind.schema);
  const problems: string[] = [];
  if (!validate(doc.spec))
    for (const e of validate.errors ?? []) problems.push(`spec${e.instancePath || ''}: ${e.message}`);
  if (problems.length === 0)
    for (const e of kind.check?.(doc) ?? []) problems.push(`spec${e.pointer}: ${e.message}`);
  if (problems.length)
    throw new Error(`${where}: invalid ${kind.kind} "${doc.metadata?.name}":\n  ${problems.join('\n  ')}`);
  return doc;
}

/**
 * A spec kind (Pipeline, SourcePriority, TableSchema, ...). Registered like operators, so that
 * later work adds kinds through the same mechanism: a module under `operators/kinds/` default-exports
 * one. The schema validates the document's `spec` section; `metadata` and the envelope are common.
 */
import type { JsonSchema } from './operator.ts';
import type { SpecDoc } from './context.ts';

export interface SpecKind<S = unknown> {
  kind: string;
  description: string;
  /** JSON Schema of the `spec` section. Unknown keys should be rejected (additionalProperties: false). */
  schema: JsonSchema;
  /** Checks beyond the schema (cross-field rules); return messages with JSON pointers into `spec`. */
  check?(doc: SpecDoc<S>): { pointer: string; message: string }[];
}

export function defineKind<S>(kind: SpecKind<S>): SpecKind<S> {
  return kind;
}

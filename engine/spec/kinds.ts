/**
 * The registry of spec kinds and the common envelope every document shares:
 * `apiVersion: argus/v1`, `kind`, `metadata: {name, version}`, `spec`.
 */
import type { JsonSchema, SpecKind } from '../api/index.ts';

export const API_VERSION = 'argus/v1';

const envelopes = new Map<string, JsonSchema>();

/** The envelope schema for a set of kinds (memoized: ajv compiles each schema object once). */
export function envelopeSchema(kinds: readonly string[]): JsonSchema {
  const key = kinds.join(',');
  let schema = envelopes.get(key);
  if (!schema) envelopes.set(key, (schema = makeEnvelope(kinds)));
  return schema;
}

function makeEnvelope(kinds: readonly string[]): JsonSchema {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: API_VERSION },
      kind: { enum: [...kinds] },
      metadata: {
        type: 'object',
        required: ['name', 'version'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' },
          version: { type: ['string', 'integer'] },
          description: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      spec: { type: 'object' },
    },
  };
}

export class KindRegistry {
  private readonly kinds = new Map<string, SpecKind<any>>();

  register(kind: SpecKind<any>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`spec kind "${kind.kind}" is registered twice`);
    this.kinds.set(kind.kind, kind);
  }

  get(kind: string): SpecKind<any> | undefined {
    return this.kinds.get(kind);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }

  all(): SpecKind<any>[] {
    return [...this.kinds.values()];
  }
}

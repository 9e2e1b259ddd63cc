/**
 * The `Pipeline` kind: a graph of nodes. Each node names its operator `type`, its `inputs`
 * (`id` or `id.port`) and its `config`, which is validated against the operator's own schema.
 *
 * @example
 * apiVersion: argus/v1
 * kind: Pipeline
 * metadata: {name: quickstart, version: 1}
 * spec:
 *   nodes:
 *     - {id: numbers, type: generate, config: {count: 10}}
 *     - {id: out, type: stdout, inputs: [numbers]}
 */
import type { SpecKind } from '../api/index.ts';

export interface PipelineSettings {
  /** Unacknowledged batches a source may have in flight (backpressure bound). */
  max_in_flight?: number;
  /** Where records of unconnected error ports go (JSON lines), relative to the project root. */
  dead_letter?: string;
}

export interface NodeSpec {
  id: string;
  type: string;
  inputs?: string[];
  config?: Record<string, unknown>;
  description?: string;
}

export interface PipelineSpec {
  description?: string;
  settings?: PipelineSettings;
  nodes: NodeSpec[];
}

export const NODE_ID = '^[a-z][a-z0-9_]*$';

export const pipelineKind: SpecKind<PipelineSpec> = {
  kind: 'Pipeline',
  description: 'A dataflow graph of operator nodes.',
  schema: {
    type: 'object',
    required: ['nodes'],
    additionalProperties: false,
    properties: {
      description: { type: 'string' },
      settings: {
        type: 'object',
        additionalProperties: false,
        properties: {
          max_in_flight: {
            type: 'integer',
            minimum: 1,
            maximum: 10000,
            description: 'Unacknowledged batches per source.',
          },
          dead_letter: { type: 'string', description: 'JSON-lines file for unconnected error ports.' },
        },
      },
      nodes: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['id', 'type'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', pattern: NODE_ID, description: 'Unique node id (snake_case).' },
            type: { type: 'string', description: 'Operator type.' },
            inputs: {
              type: 'array',
              items: { type: 'string', pattern: `^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$` },
            },
            config: { type: 'object' },
            description: { type: 'string' },
          },
        },
      },
    },
  },
};

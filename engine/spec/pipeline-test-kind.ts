/**
 * The `PipelineTest` kind: given input records for source nodes, the expected output per node
 * (`id` or `id.port`), like Redpanda Connect's config tests. Run with `argus test`.
 *
 * @example
 * kind: PipelineTest
 * spec:
 *   pipeline: ../examples/quickstart.yaml
 *   cases:
 *     - name: doubles
 *       inputs: {numbers: [{n: 1}]}
 *       expect: {doubled: [{n: 1, twice: 2}]}
 */
import type { SpecKind } from '../api/index.ts';

export interface PipelineTestSpec {
  /** Path of the pipeline file, relative to the test file, or a pipeline name. */
  pipeline: string;
  cases: {
    name: string;
    inputs: Record<string, Record<string, unknown>[]>;
    expect: Record<string, Record<string, unknown>[]>;
    /** Compare as sets (order-insensitive). Default false. */
    unordered?: boolean;
  }[];
}

export const pipelineTestKind: SpecKind<PipelineTestSpec> = {
  kind: 'PipelineTest',
  description: 'Input records per source node and the expected output per node.',
  schema: {
    type: 'object',
    required: ['pipeline', 'cases'],
    additionalProperties: false,
    properties: {
      pipeline: { type: 'string' },
      cases: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'inputs', 'expect'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            inputs: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } },
            expect: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } },
            unordered: { type: 'boolean' },
          },
        },
      },
    },
  },
};

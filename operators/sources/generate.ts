/**
 * `generate`: a test source of numbered records. Fields are expressions over `i`, the 0-based
 * sequence number, so a generated stream can be checked for loss and duplication downstream.
 */
import { defineOperator, type Emission, type Rec } from '../../engine/api/index.ts';
import { compileAt } from '../lib/expr/compile-field.ts';

interface Config {
  count?: number;
  batch_size?: number;
  interval_ms?: number;
  fields?: Record<string, string>;
}

export default defineOperator<Config>({
  type: 'generate',
  role: 'source',
  description: 'Emits numbered records {i, ...fields}; `count` bounds the stream (unbounded when absent).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      count: { type: 'integer', minimum: 0, description: 'How many records in total (default: unbounded).' },
      batch_size: { type: 'integer', minimum: 1, default: 100, description: 'Records per batch.' },
      interval_ms: { type: 'integer', minimum: 0, default: 0, description: 'Pause between batches.' },
      fields: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Field name → expression over `i`.',
      },
    },
  },
  examples: [
    {
      title: 'Ten numbers with a parity flag',
      config: { count: 10, fields: { even: 'i % 2 == 0' } },
      output: [{ i: 0, even: true }],
    },
  ],
  create(config) {
    const fields = Object.entries(config.fields ?? {}).map(
      ([k, src]) => [k, compileAt(src, `/fields/${k}`)] as const,
    );
    const count = config.count ?? Infinity;
    const size = config.batch_size ?? 100;
    const pause = config.interval_ms ?? 0;
    let next = 0; // survives re-reads, so a paused or reused source continues the sequence
    return {
      kind: 'source',
      async *read(signal): AsyncIterable<Emission> {
        while (next < count && !signal.aborted) {
          const records: Rec[] = [];
          for (let n = 0; n < size && next < count; n++, next++) {
            const r: Rec = { i: next };
            for (const [k, f] of fields) r[k] = f(r);
            records.push(r);
          }
          yield { records };
          if (pause) await new Promise((res) => setTimeout(res, pause));
        }
      },
    };
  },
});

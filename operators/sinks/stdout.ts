/** `stdout` sink: one JSON line per record (or a compact table row), for quick looks and examples. */
import { defineOperator } from '../../engine/api/index.ts';

interface Config {
  fields?: string[];
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

export default defineOperator<Config>({
  type: 'stdout',
  role: 'sink',
  description: 'Writes each record as a JSON line to standard output.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { fields: { type: 'array', items: { type: 'string' }, description: 'Only these fields.' } },
  },
  examples: [{ title: 'Print everything', config: {} }],
  create(config) {
    const pick = config.fields;
    return {
      kind: 'sink',
      async write(batch) {
        const lines = batch.records.map((r) =>
          json(pick ? Object.fromEntries(pick.map((f) => [f, r[f] ?? null])) : r),
        );
        if (!process.stdout.write(lines.join('\n') + '\n'))
          await new Promise((r) => process.stdout.once('drain', r));
      },
    };
  },
});

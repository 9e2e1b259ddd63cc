/** `switch`: routes each record to the port of the first matching case (per-record with named ports). */
import { defineOperator } from '../../engine/api/index.ts';
import { compileAt } from '../lib/expr/compile-field.ts';

interface Config {
  cases: { port: string; expr: string }[];
  default?: string;
}

export default defineOperator<Config>({
  type: 'switch',
  role: 'transform',
  description:
    'Sends each record to the port of the first case whose expression is true, else to `default` (port `out`).',
  configSchema: {
    type: 'object',
    required: ['cases'],
    additionalProperties: false,
    properties: {
      cases: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['port', 'expr'],
          additionalProperties: false,
          properties: { port: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' }, expr: { type: 'string' } },
        },
      },
      default: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', default: 'out' },
    },
  },
  ports: (c) => [...new Set([...(c.cases ?? []).map((x) => x.port), c.default ?? 'out'])],
  examples: [
    {
      title: 'By exchange',
      config: { cases: [{ port: 'sh', expr: 'matches(symbol, "\\\\.SH$")' }], default: 'other' },
    },
  ],
  create(config) {
    const cases = config.cases.map((c, i) => ({ port: c.port, test: compileAt(c.expr, `/cases/${i}/expr`) }));
    const fallback = config.default ?? 'out';
    return {
      kind: 'record',
      process(r, emit) {
        emit(r, cases.find((c) => c.test(r))?.port ?? fallback);
      },
    };
  },
});

/** `filter`: keeps records for which an expression is true; others are dropped or routed to `rejected`. */
import { defineOperator } from '../../engine/api/index.ts';
import { compileAt } from '../lib/expr/compile-field.ts';

interface Config {
  expr: string;
  on_false?: 'drop' | 'route';
}

export default defineOperator<Config>({
  type: 'filter',
  role: 'transform',
  description: 'Keeps records matching `expr`. With `on_false: route`, the others leave on port `rejected`.',
  configSchema: {
    type: 'object',
    required: ['expr'],
    additionalProperties: false,
    properties: {
      expr: { type: 'string', description: 'Expression over the record, e.g. `close > 0 && high >= low`.' },
      on_false: { enum: ['drop', 'route'], default: 'drop' },
    },
  },
  ports: (c) => (c.on_false === 'route' ? ['out', 'rejected'] : ['out']),
  examples: [
    {
      title: 'Positive closes',
      config: { expr: 'close > 0' },
      input: [{ close: 1 }, { close: 0 }],
      output: [{ close: 1 }],
    },
  ],
  create(config) {
    const keep = compileAt(config.expr, '/expr');
    const route = config.on_false === 'route';
    return {
      kind: 'record',
      process(r, emit) {
        if (keep(r)) return r;
        if (route) emit(r, 'rejected');
        return null;
      },
    };
  },
});

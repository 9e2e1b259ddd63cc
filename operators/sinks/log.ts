/** `log` sink: logs a summary of every batch (and optionally each record) through the engine logger. */
import { defineOperator, rowCount } from '../../engine/api/index.ts';

interface Config {
  level?: 'debug' | 'info' | 'warn' | 'error';
  message?: string;
  records?: boolean;
}

export default defineOperator<Config>({
  type: 'log',
  role: 'sink',
  description: 'Logs each batch (count, trace id) and, with `records: true`, each record.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      level: { enum: ['debug', 'info', 'warn', 'error'], default: 'info' },
      message: { type: 'string', default: 'batch' },
      records: { type: 'boolean', default: false },
    },
  },
  examples: [
    { title: 'Warn on rejected records', config: { level: 'warn', message: 'rejected', records: true } },
  ],
  create(config, ctx) {
    const level = config.level ?? 'info';
    const msg = config.message ?? 'batch';
    return {
      kind: 'sink',
      async write(batch) {
        ctx.logger[level](
          {
            count: rowCount(batch),
            traceId: batch.meta.traceId,
            ...(config.records ? { records: batch.records } : {}),
          },
          msg,
        );
      },
    };
  },
});

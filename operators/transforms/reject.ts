/**
 * `reject`: turns records from `error` ports (`{node, reason, at, record}`) into flat reject rows
 * for a rejects table and a dead-letter topic: when and where it was rejected, why, context
 * fields lifted from the rejected record (e.g. source, dataset, symbol, event_id), the record as
 * JSON, and the day of rejection (a partition column).
 *
 * @example
 * - id: rejects
 *   type: reject
 *   inputs: [valid.error, rows.error, norm.error]
 *   config: {context: {source: source, dataset: dataset, event_symbol: [event_symbol, symbol], event_id: [event_id, id]}}
 */
import { defineOperator, type Rec } from '../../engine/api/index.ts';

export interface RejectConfig {
  /** Output field → field(s) of the rejected record, first present wins (null otherwise). */
  context?: Record<string, string | string[]>;
  /** Cap on the JSON of the rejected record, in characters. */
  max_payload?: number;
}

export default defineOperator<RejectConfig>({
  type: 'reject',
  role: 'transform',
  description:
    'Flattens error-port records into reject rows (when, node, reason, context fields, payload JSON).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      context: {
        type: 'object',
        additionalProperties: {
          oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }],
        },
        description: 'Output field → field(s) of the rejected record, first present wins.',
      },
      max_payload: { type: 'integer', minimum: 100, default: 100000 },
    },
  },
  examples: [
    {
      title: 'A normalisation failure',
      config: { context: { source: 'source', dataset: 'dataset' } },
      input: [
        {
          node: 'norm',
          reason: 'close: "x" is not a number',
          at: '2024-06-14T08:00:00.000Z',
          record: { source: 'tushare', dataset: 'daily', close: 'x' },
        },
      ],
      output: [
        {
          rejected_at: '2024-06-14T08:00:00.000Z',
          reject_date: '2024-06-14',
          node: 'norm',
          reason: 'close: "x" is not a number',
          source: 'tushare',
          dataset: 'daily',
          payload: '{"source":"tushare","dataset":"daily","close":"x"}',
        },
      ],
    },
  ],
  create(config) {
    const context = Object.entries(config.context ?? {}).map(
      ([to, from]) => [to, Array.isArray(from) ? from : [from]] as const,
    );
    const max = config.max_payload ?? 100000;
    return {
      kind: 'record',
      process(e): Rec {
        const at = typeof e.at === 'string' ? e.at : new Date().toISOString();
        const rec =
          e.record && typeof e.record === 'object' ? (e.record as Rec) : { value: e.record ?? null };
        const out: Rec = {
          rejected_at: at,
          reject_date: at.slice(0, 10),
          node: typeof e.node === 'string' ? e.node : 'unknown',
          reason: typeof e.reason === 'string' ? e.reason : 'unknown reason',
        };
        for (const [to, from] of context) {
          const f = from.find((k) => rec[k] !== undefined && rec[k] !== null && typeof rec[k] !== 'object');
          out[to] = f === undefined ? null : rec[f];
        }
        const json = JSON.stringify(rec);
        out.payload = json.length > max ? json.slice(0, max) : json;
        return out;
      },
    };
  },
});

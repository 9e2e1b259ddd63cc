/**
 * `explode`: one output record per element of an array field, with context fields of the parent
 * copied onto each (`carry: {target: parent_field}`; carried values win over same-named element
 * fields). An empty array yields nothing; a missing or non-array field is an error, and so is an
 * element that is not an object (only that element goes to `error`, its siblings pass).
 *
 * @example
 * - id: rows
 *   type: explode
 *   inputs: [valid]
 *   config: {field: rows, carry: {source: source, dataset: dataset, event_symbol: symbol, fetched_at: fetched_at, event_id: id}}
 */
import { defineOperator, type Rec, type RecordTransform } from '../../engine/api/index.ts';

export interface ExplodeConfig {
  field: string;
  carry?: Record<string, string>;
}

export default defineOperator<ExplodeConfig>({
  type: 'explode',
  role: 'transform',
  description: 'One record per element of an array field, carrying chosen parent fields.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['field'],
    properties: {
      field: { type: 'string', minLength: 1 },
      carry: {
        type: 'object',
        additionalProperties: { type: 'string', minLength: 1 },
        description: 'target field → parent field',
      },
    },
  },
  examples: [
    {
      title: 'Event rows',
      config: { field: 'rows', carry: { dataset: 'dataset' } },
      input: [{ dataset: 'daily', rows: [{ close: 1 }, { close: 2 }] }],
      output: [
        { close: 1, dataset: 'daily' },
        { close: 2, dataset: 'daily' },
      ],
    },
  ],
  create(config, ctx): RecordTransform {
    const carry = Object.entries(config.carry ?? {});
    return {
      kind: 'record',
      process(rec, emit) {
        const items = rec[config.field];
        if (!Array.isArray(items))
          throw new Error(`field ${config.field} is ${items === undefined ? 'missing' : 'not an array'}`);
        const ctxFields: Rec = {};
        for (const [to, from] of carry) ctxFields[to] = rec[from] ?? null;
        const out: Rec[] = [];
        items.forEach((item, i) => {
          if (item && typeof item === 'object' && !Array.isArray(item)) {
            // A for-in copy is ~10× faster than object spread on JSON-parsed rows (V8), and this
            // runs once per source row.
            const r: Rec = {};
            for (const k in item) r[k] = (item as Rec)[k];
            for (const k in ctxFields) r[k] = ctxFields[k];
            out.push(r);
          } else
            emit(
              {
                node: ctx.node,
                reason: `${config.field}[${i}] is not an object`,
                at: new Date().toISOString(),
                record: { item, ...ctxFields },
              },
              'error',
            );
        });
        return out;
      },
    };
  },
});

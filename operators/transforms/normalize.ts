/**
 * `normalize`: YAML-configured typing and unit normalisation for Bronze. Rules match records by
 * field values (`when`, e.g. source and dataset) and define each output field: its input
 * field(s), type (`date` → YYYY-MM-DD, `symbol` → 600519.SH, `number`, `integer`, `string`,
 * `boolean`, `timestamp`), unit factor, bounds and whether it is required. A record that matches
 * no rule or has a bad field goes to `error`, with every problem in the reason.
 * See operators/lib/normalize for the accepted spellings.
 *
 * Column-wise (records input works through `columnsOf`): each output field is one loop over its
 * input column. Rows of different rules leave as one table per rule (concatenated on the port),
 * so a row of one rule has no values for another rule's columns.
 *
 * @example
 * - id: norm
 *   type: normalize
 *   inputs: [rows]
 *   config:
 *     rules:
 *       - when: {source: tushare, dataset: daily}
 *         keep: [source, dataset, fetched_at]
 *         fields:
 *           symbol: {from: [ts_code, event_symbol], type: symbol, required: true}
 *           trade_date: {type: date, required: true}
 *           volume: {from: vol, type: integer, scale: 100, min: 0}
 */
import type { ColumnTable } from 'arquero';
import { columnsOf, defineOperator, type BatchTransform, type Rec } from '../../engine/api/index.ts';
import { compileColumnRules, type NormalizeRule } from '../lib/normalize/rules.ts';

export interface NormalizeConfig {
  rules: NormalizeRule[];
}

const fieldRule = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    from: {
      oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }],
      description: 'Input field(s), first present wins; default the output name.',
    },
    type: { enum: ['date', 'symbol', 'number', 'integer', 'string', 'boolean', 'timestamp'] },
    scale: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Unit factor, e.g. 100 for 手 → shares, 1000 for 千元 → yuan.',
    },
    required: { type: 'boolean', default: false },
    min: { type: 'number' },
    max: { type: 'number' },
    enum: { type: 'array', items: { type: 'string' } },
  },
};

export default defineOperator<NormalizeConfig>({
  type: 'normalize',
  role: 'transform',
  description:
    'Types, units, dates and symbols per YAML rules (matched by field values); bad records go to `error` with every problem listed.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['rules'],
    properties: {
      rules: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['fields'],
          properties: {
            when: {
              type: 'object',
              additionalProperties: {
                oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
              },
            },
            keep: { type: 'array', items: { type: 'string' }, description: 'Fields copied unchanged.' },
            set: {
              type: 'object',
              additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
              description: 'Constant fields added.',
            },
            fields: { type: 'object', minProperties: 1, additionalProperties: fieldRule },
          },
        },
      },
    },
  },
  examples: [
    {
      title: 'Tushare daily',
      config: {
        rules: [
          {
            when: { source: 'tushare', dataset: 'daily' },
            fields: {
              symbol: { from: 'ts_code', type: 'symbol', required: true },
              trade_date: { type: 'date', required: true },
              volume: { from: 'vol', type: 'integer', scale: 100 },
              amount: { type: 'number', scale: 1000 },
            },
          },
        ],
      },
      input: [
        {
          source: 'tushare',
          dataset: 'daily',
          ts_code: '600519.SH',
          trade_date: '20241231',
          vol: 39354.45,
          amount: 6033540.366,
        },
      ],
      output: [{ symbol: '600519.SH', trade_date: '2024-12-31', volume: 3935445, amount: 6033540366 }],
    },
  ],
  create(config, ctx): BatchTransform {
    const norm = compileColumnRules(config.rules);
    return {
      kind: 'batch',
      process(batch, emit) {
        const input = columnsOf(batch);
        const { tables, errors } = norm(input);
        for (const t of tables) emit.table(t);
        const at = errors.length ? new Date().toISOString() : '';
        for (const { row, reason } of errors)
          emit(
            { node: ctx.node, reason, at, record: batch.table ? rowOf(input, row) : batch.records[row] },
            'error',
          );
      },
    };
  },
});

/** Row `r` of a table as a record, without the keys it has no value for (`undefined`). */
function rowOf(t: ColumnTable, r: number): Rec {
  const rec: Rec = {};
  for (const name of t.columnNames()) {
    const v = (t.column(name) as unknown as ArrayLike<unknown>)[r];
    if (v !== undefined) rec[name] = v;
  }
  return rec;
}

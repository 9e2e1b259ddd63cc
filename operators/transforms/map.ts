/**
 * `map`: reshape records by config — rename, cast, compute fields from expressions, then drop or
 * keep fields. A record whose cast or expression fails goes to `error` with the field named.
 */
import { defineOperator, type Rec } from '../../engine/api/index.ts';
import { cast, type CastType } from '../lib/formats/cast.ts';
import { compileAt } from '../lib/expr/compile-field.ts';

interface Config {
  rename?: Record<string, string>;
  cast?: Record<string, CastType>;
  fields?: Record<string, string>;
  drop?: string[];
  keep?: string[];
}

export default defineOperator<Config>({
  type: 'map',
  role: 'transform',
  description: 'Renames, casts and computes fields; applied in that order, then `drop`/`keep`.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      rename: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'old name → new name.',
      },
      cast: {
        type: 'object',
        additionalProperties: { enum: ['number', 'integer', 'string', 'boolean', 'date'] },
        description: 'field → type (date gives YYYY-MM-DD).',
      },
      fields: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'field → expression over the record.',
      },
      drop: { type: 'array', items: { type: 'string' } },
      keep: { type: 'array', items: { type: 'string' }, description: 'Keep only these fields.' },
    },
  },
  examples: [
    {
      title: 'Tushare units to shares and yuan',
      config: {
        rename: { ts_code: 'symbol' },
        cast: { trade_date: 'date' },
        fields: { volume: 'vol * 100', amount: 'amount * 1000' },
        drop: ['vol'],
      },
      input: [{ ts_code: '600519.SH', trade_date: '20240614', vol: 10, amount: 2.5 }],
      output: [{ symbol: '600519.SH', trade_date: '2024-06-14', amount: 2500, volume: 1000 }],
    },
  ],
  create(config) {
    const rename = Object.entries(config.rename ?? {});
    const casts = Object.entries(config.cast ?? {});
    const fields = Object.entries(config.fields ?? {}).map(
      ([k, src]) => [k, compileAt(src, `/fields/${k}`)] as const,
    );
    const drop = config.drop ?? [];
    const keep = config.keep;
    return {
      kind: 'record',
      process(input) {
        const r: Rec = { ...input };
        for (const [from, to] of rename) {
          if (from in r) {
            r[to] = r[from];
            delete r[from];
          }
        }
        for (const [f, t] of casts) {
          try {
            r[f] = cast(r[f], t);
          } catch (err) {
            throw new Error(`field ${f}: ${(err as Error).message}`);
          }
        }
        for (const [f, expr] of fields) r[f] = expr(r);
        for (const f of drop) delete r[f];
        return keep ? Object.fromEntries(keep.filter((k) => k in r).map((k) => [k, r[k]])) : r;
      },
    };
  },
});

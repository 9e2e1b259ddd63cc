/**
 * `dedupe`: one record per key. Within a batch it keeps the first, the last, or the one with the
 * greatest `order_by` (e.g. the newest ingest; ties go to the later record). With `scope: stream` it also remembers keys across
 * batches (bounded by `max_keys`, oldest forgotten first) and passes a later record only if it is
 * newer by `order_by`. Dropped duplicates are counted in `argus_dedupe_dropped_total`.
 */
import { defineOperator, type Rec } from '../../engine/api/index.ts';

interface Config {
  keys: string[];
  keep?: 'first' | 'last';
  order_by?: string;
  scope?: 'batch' | 'stream';
  max_keys?: number;
}

export default defineOperator<Config>({
  type: 'dedupe',
  role: 'transform',
  description: 'Drops records whose key was already seen (per batch or across the stream).',
  configSchema: {
    type: 'object',
    required: ['keys'],
    additionalProperties: false,
    properties: {
      keys: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Fields forming the key.' },
      keep: {
        enum: ['first', 'last'],
        default: 'first',
        description: 'Which duplicate wins when `order_by` is not set.',
      },
      order_by: { type: 'string', description: 'The record with the greatest value wins (e.g. fetched_at).' },
      scope: { enum: ['batch', 'stream'], default: 'batch' },
      max_keys: {
        type: 'integer',
        minimum: 1,
        default: 1000000,
        description: 'Keys remembered with scope stream.',
      },
    },
  },
  examples: [
    {
      title: 'Keep the newest ingest per (source, symbol, date)',
      config: { keys: ['source', 'symbol', 'trade_date'], order_by: 'fetched_at' },
      input: [
        { source: 'qmt', symbol: 'a', trade_date: 'd', fetched_at: '1' },
        { source: 'qmt', symbol: 'a', trade_date: 'd', fetched_at: '2' },
      ],
      output: [{ source: 'qmt', symbol: 'a', trade_date: 'd', fetched_at: '2' }],
    },
  ],
  create(config, ctx) {
    const keyOf = (r: Rec) => JSON.stringify(config.keys.map((k) => r[k] ?? null));
    const by = config.order_by;
    // Ties on `order_by` go to the later record (the later offset is the newer ingest).
    const newer = (a: Rec, b: Rec) => (by ? (a[by] as any) >= (b[by] as any) : config.keep === 'last');
    const seen = new Map<string, unknown>();
    const max = config.max_keys ?? 1_000_000;
    const dropped = ctx.metrics.counter(
      'argus_dedupe_dropped_total',
      'Duplicate records dropped by dedupe.',
      ['pipeline', 'node'],
    );
    return {
      kind: 'batch',
      process(batch, emit) {
        const winners = new Map<string, Rec>();
        for (const r of batch.records) {
          const k = keyOf(r);
          const cur = winners.get(k);
          if (!cur || newer(r, cur)) winners.set(k, r);
        }
        let out = 0;
        for (const [k, r] of winners) {
          if (config.scope === 'stream') {
            if (seen.has(k) && !(by && (r[by] as any) > (seen.get(k) as any))) continue;
            seen.delete(k); // re-insert: Map order is the eviction order
            seen.set(k, by ? r[by] : true);
            if (seen.size > max) seen.delete(seen.keys().next().value!);
          }
          emit(r);
          out++;
        }
        const n = batch.records.length - out;
        if (n) dropped.inc({ pipeline: ctx.pipeline, node: ctx.node }, n);
      },
    };
  },
});

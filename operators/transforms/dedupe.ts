/**
 * `dedupe`: keeps one record per key within a batch, the one with the greatest `order_by` value
 * (e.g. `fetched_at`: the newest ingest wins; ties go to the later record, i.e. the later offset).
 * Dropped duplicates are not errors. Across batches, the table sink keeps the newest per key
 * (it upserts on the same key and order), so the result does not depend on batch boundaries.
 *
 * @example
 * - id: dedupe
 *   type: dedupe
 *   inputs: [norm]
 *   config: {keys: [source, dataset, symbol, trade_date], order_by: fetched_at}
 */
import { defineOperator, type BatchTransform, type Rec } from '../../engine/api/index.ts';

export interface DedupeConfig {
  keys: string[];
  order_by: string;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** The winners of `records`, in the order of their first appearance. */
export function dedupe(records: readonly Rec[], keys: readonly string[], orderBy: string): Rec[] {
  const best = new Map<string, { rec: Rec; pos: number }>();
  records.forEach((rec, i) => {
    const k = JSON.stringify(keys.map((f) => rec[f] ?? null));
    const cur = best.get(k);
    if (!cur) best.set(k, { rec, pos: i });
    else if (compare(rec[orderBy], cur.rec[orderBy]) >= 0) cur.rec = rec;
  });
  return [...best.values()].sort((a, b) => a.pos - b.pos).map((x) => x.rec);
}

export default defineOperator<DedupeConfig>({
  type: 'dedupe',
  role: 'transform',
  description: 'Keeps the record with the greatest `order_by` per key within each batch (newest ingest wins).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['keys', 'order_by'],
    properties: {
      keys: { type: 'array', minItems: 1, items: { type: 'string' } },
      order_by: { type: 'string', description: 'Greatest wins (ISO timestamps compare as text).' },
    },
  },
  examples: [
    {
      title: 'Newest ingest per source row',
      config: { keys: ['symbol', 'trade_date'], order_by: 'fetched_at' },
      input: [
        { symbol: 'a', trade_date: 'd', close: 1, fetched_at: '2024-01-01T00:00:00Z' },
        { symbol: 'a', trade_date: 'd', close: 2, fetched_at: '2024-01-02T00:00:00Z' },
      ],
      output: [{ symbol: 'a', trade_date: 'd', close: 2, fetched_at: '2024-01-02T00:00:00Z' }],
    },
  ],
  create(config): BatchTransform {
    return {
      kind: 'batch',
      process(batch, emit) {
        for (const r of dedupe(batch.records, config.keys, config.order_by)) emit(r);
      },
    };
  },
});

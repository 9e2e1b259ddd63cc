/**
 * A bench-only source (`bench_responses`) that emits collector responses the bench already holds
 * in memory, in batches, once the bench opens its gate. Two reasons:
 * - the raw kafkajs peer starts from the same objects, so neither side pays a JSON parse of its
 *   input that the other skips (a collector's HTTP client parses its response in both worlds);
 * - nothing is produced before the bench starts its clock: the engine starts every pipeline at
 *   `start()`, so a file source would publish while Bronze is still joining its group.
 *
 * @example
 * const feed = responsesFeed('run-1', input);
 * // pipeline node: {id: responses, type: bench_responses, config: {feed: run-1, batch_size: 100}}
 * await engine.start(); const t0 = performance.now(); feed.open();
 */
import { defineOperator, type Emission, type Rec } from '../../engine/api/index.ts';

interface Feed {
  records: readonly Rec[];
  opened: Promise<void>;
}

const feeds = new Map<string, Feed>();

/** Registers `records` under `name`; the source emits them after `open()`. `close()` forgets them. */
export function responsesFeed(name: string, records: readonly Rec[]): { open(): void; close(): void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  feeds.set(name, { records, opened });
  return { open, close: () => void feeds.delete(name) };
}

export default defineOperator<{ feed: string; batch_size?: number }>({
  type: 'bench_responses',
  role: 'source',
  description: 'Bench only: emits in-memory collector responses (bench/lib/responses-source.ts) once opened.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['feed'],
    properties: {
      feed: { type: 'string', minLength: 1 },
      batch_size: { type: 'integer', minimum: 1, default: 100 },
    },
  },
  examples: [{ title: 'Bench input', config: { feed: 'run-1', batch_size: 100 } }],
  create(config) {
    const size = config.batch_size ?? 100;
    return {
      kind: 'source',
      async *read(signal): AsyncIterable<Emission> {
        const feed = feeds.get(config.feed);
        if (!feed) throw new Error(`bench_responses: no feed "${config.feed}" registered`);
        await feed.opened;
        for (let i = 0; i < feed.records.length && !signal.aborted; i += size)
          yield { records: feed.records.slice(i, i + size) as Rec[] };
      },
    };
  },
});

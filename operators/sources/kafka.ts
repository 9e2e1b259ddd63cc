/**
 * `kafka` source: consumes topics of the `bus` backend (Kafka or the embedded bus) in a consumer
 * group. Each fetched batch becomes one emission carrying `meta.offsets`; its offsets are
 * committed, in partition order, only when every sink settled it `delivered`/`rejected`.
 * `errored` rewinds the partition so the batch is fetched again (at-least-once; exactly-once
 * sinks deduplicate on the offset ranges).
 *
 * @example
 * - id: raw
 *   type: kafka
 *   config: {topics: [raw_data_topic], group: bronze}
 */
import { defineOperator, type Emission, type Rec, type Source } from '../../engine/api/index.ts';
import type { Bus, BusMessage } from '../../engine/api/index.ts';

export interface KafkaSourceConfig {
  topics: string[];
  group: string;
  /** A group without committed offsets starts at the beginning (default) or the end. */
  from_beginning?: boolean;
  max_batch?: number;
  /** Fetched batches buffered ahead of the pipeline. */
  max_queued?: number;
  /** How message values become records. */
  format?: 'json' | 'text';
  /** When set, each record gets `{topic, partition, offset, key, timestamp}` under this field. */
  position_field?: string;
}

/** A message value that is not JSON still becomes a record, so validation can dead-letter it. */
export function decodeJson(m: BusMessage): Rec {
  const text = m.value.toString('utf8');
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Rec;
    return {
      _decode_error: `message value is JSON ${Array.isArray(v) ? 'array' : typeof v}, not an object`,
      _raw: text.slice(0, 2000),
    };
  } catch (err) {
    return {
      _decode_error: `message value is not JSON: ${(err as Error).message}`,
      _raw: text.slice(0, 2000),
    };
  }
}

export default defineOperator<KafkaSourceConfig>({
  type: 'kafka',
  role: 'source',
  description:
    'Consumes bus topics in a consumer group; one emission per fetched batch, offsets committed in order after the batch is durable downstream.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['topics', 'group'],
    properties: {
      topics: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', minLength: 1 },
        description: 'Topics to consume.',
      },
      group: {
        type: 'string',
        minLength: 1,
        description: 'Consumer group id; workers with the same group split the partitions.',
      },
      from_beginning: { type: 'boolean', default: true },
      max_batch: {
        type: 'integer',
        minimum: 1,
        maximum: 100000,
        default: 500,
        description: 'Max messages per emission.',
      },
      max_queued: { type: 'integer', minimum: 1, maximum: 1000, default: 4 },
      format: { enum: ['json', 'text'], default: 'json' },
      position_field: { type: 'string', minLength: 1 },
    },
  },
  examples: [{ title: 'Bronze input', config: { topics: ['raw_data_topic'], group: 'bronze' } }],
  create(config, ctx): Source {
    const format = config.format ?? 'json';
    const decode = (m: BusMessage): Rec => {
      const rec = format === 'json' ? decodeJson(m) : { value: m.value.toString('utf8') };
      if (!config.position_field) return rec;
      return {
        ...rec,
        [config.position_field]: {
          topic: m.topic,
          partition: m.partition,
          offset: m.offset,
          key: m.key,
          timestamp: m.timestamp,
        },
      };
    };
    const consumed = ctx.metrics.counter(
      'argus_bus_consumed_messages_total',
      'Messages consumed from the bus.',
      ['pipeline', 'node', 'topic'],
    );
    let consumer: ReturnType<Bus['consumer']> | undefined;
    return {
      kind: 'source',
      async start() {
        const bus = ctx.backend<Bus>('bus');
        const declared = ctx.specs('Topic').filter((d) => config.topics.includes(d.metadata.name));
        for (const r of await bus.declare(declared))
          for (const d of r.drift)
            ctx.logger.warn({ topic: r.topic, ...d }, `topic ${r.topic} drifted from its YAML: ${d.field}`);
        consumer = bus.consumer({
          groupId: config.group,
          topics: config.topics,
          fromBeginning: config.from_beginning ?? true,
          maxBatch: config.max_batch,
          maxQueued: config.max_queued,
        });
        await consumer.start();
      },
      async *read(signal): AsyncIterable<Emission> {
        if (!consumer) await this.start!();
        while (!signal.aborted) {
          const d = await consumer!.next(signal);
          if (!d) return;
          consumed.inc({ pipeline: ctx.pipeline, node: ctx.node, topic: d.topic }, d.messages.length);
          yield {
            records: d.messages.map(decode),
            meta: {
              source: ctx.node,
              offsets: [{ topic: d.topic, partition: d.partition, from: d.from, to: d.to }],
            },
            settled: (outcome) => d.settle(outcome),
          };
        }
      },
      async close() {
        await consumer?.close();
        consumer = undefined;
      },
    };
  },
});

/**
 * `kafka` sink: publishes each record as JSON to a bus topic, keyed by the first present field of
 * `key` (e.g. symbol, else dataset for whole-market payloads) so one key's events stay ordered.
 * The batch is delivered when the bus acknowledged every record (Kafka: idempotent, acks=all).
 *
 * @example
 * - id: publish
 *   type: kafka
 *   inputs: [wrap]
 *   config: {topic: raw_data_topic, key: [symbol, dataset]}
 */
import { defineOperator, type Rec, type Sink } from '../../engine/api/index.ts';
import type { Bus, BusProducer } from '../../engine/api/index.ts';

export interface KafkaSinkConfig {
  topic: string;
  /** Fields tried in order for the message key; none present → null key (round-robin). */
  key?: string[];
  /** Record fields copied into message headers (string values). */
  headers?: string[];
  /** Upper bound of one produce request's payload; larger batches are sent in chunks. */
  max_request_bytes?: number;
}

export function keyOf(rec: Rec, fields: readonly string[]): string | null {
  for (const f of fields) {
    const v = rec[f];
    if (v !== null && v !== undefined && v !== '') return String(v);
  }
  return null;
}

export default defineOperator<KafkaSinkConfig>({
  type: 'kafka',
  role: 'sink',
  description:
    'Publishes records as JSON to a bus topic (idempotent producer, acks=all), keyed by the first present key field.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['topic'],
    properties: {
      topic: { type: 'string', minLength: 1 },
      key: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Key fields, first present wins.',
      },
      headers: { type: 'array', items: { type: 'string', minLength: 1 } },
      max_request_bytes: {
        type: 'integer',
        minimum: 1024,
        maximum: 100000000,
        default: 524288,
        description: 'Chunk size of produce requests (stay under the broker message.max.bytes).',
      },
    },
  },
  examples: [
    { title: 'Raw events keyed by symbol', config: { topic: 'raw_data_topic', key: ['symbol', 'dataset'] } },
  ],
  create(config, ctx): Sink {
    let producer: BusProducer | undefined;
    const sent = ctx.metrics.counter('argus_bus_produced_messages_total', 'Messages published to the bus.', [
      'pipeline',
      'node',
      'topic',
    ]);
    const start = async () => {
      const bus = ctx.backend<Bus>('bus');
      const declared = ctx.specs('Topic').filter((d) => d.metadata.name === config.topic);
      for (const r of await bus.declare(declared))
        for (const d of r.drift)
          ctx.logger.warn({ topic: r.topic, ...d }, `topic ${r.topic} drifted from its YAML: ${d.field}`);
      producer = await bus.producer();
    };
    return {
      kind: 'sink',
      start,
      async write(batch) {
        if (!producer) await start();
        if (!batch.records.length) return 'delivered';
        const messages = batch.records.map((r) => ({
          key: keyOf(r, config.key ?? []),
          value: JSON.stringify(r),
          headers: config.headers
            ? Object.fromEntries(config.headers.filter((h) => r[h] != null).map((h) => [h, String(r[h])]))
            : undefined,
        }));
        // The broker refuses record batches over message.max.bytes (1 MiB by default): send in
        // chunks well under it, in order.
        const limit = config.max_request_bytes ?? 512 * 1024;
        for (let i = 0; i < messages.length;) {
          let bytes = 0;
          let j = i;
          while (j < messages.length && (j === i || bytes + messages[j].value.length < limit))
            bytes += messages[j++].value.length + 64;
          await producer!.send(config.topic, messages.slice(i, j));
          i = j;
        }
        sent.inc({ pipeline: ctx.pipeline, node: ctx.node, topic: config.topic }, batch.records.length);
        return 'delivered';
      },
      async close() {
        await producer?.close();
        producer = undefined;
      },
    };
  },
});

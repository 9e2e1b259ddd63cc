/**
 * `kafka` source: consumes topics of the `bus` backend (Kafka or the embedded bus) in a consumer
 * group. Each fetched batch becomes one emission carrying `meta.offsets`; its offsets are
 * committed, in partition order, only when every sink settled it `delivered`/`rejected`.
 * `errored` rewinds the partition so the batch is fetched again (at-least-once; exactly-once
 * sinks deduplicate on the offset ranges).
 *
 * A broker that is unreachable at start-up does not fail the job: `start()` waits up to
 * `startup_wait_ms` for the first connection, then lets the pipeline run while the source keeps
 * retrying (exponential backoff up to `retry_max_ms`, each failure logged) until it connects or the
 * job stops. Collectors may publish before Bronze is up, and Kafka keeps their events meanwhile.
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
  /** How long `start()` waits for the broker before the source continues connecting in the background. */
  startup_wait_ms?: number;
  /** Longest pause between connection attempts while the broker is unreachable. */
  retry_max_ms?: number;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
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
      startup_wait_ms: {
        type: 'integer',
        minimum: 0,
        maximum: 600000,
        default: 10000,
        description:
          'How long start() waits for the broker; afterwards the source keeps connecting in the background.',
      },
      retry_max_ms: {
        type: 'integer',
        minimum: 100,
        maximum: 600000,
        default: 15000,
        description: 'Longest pause between connection attempts while the broker is unreachable.',
      },
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
    let connecting: Promise<void> | undefined;
    let stop = new AbortController();
    /** One attempt: declare the topics, join the group. A failed attempt leaves nothing open. */
    const attempt = async () => {
      const bus = ctx.backend<Bus>('bus');
      const declared = ctx.specs('Topic').filter((d) => config.topics.includes(d.metadata.name));
      for (const r of await bus.declare(declared))
        for (const d of r.drift)
          ctx.logger.warn({ topic: r.topic, ...d }, `topic ${r.topic} drifted from its YAML: ${d.field}`);
      const c = bus.consumer({
        groupId: config.group,
        topics: config.topics,
        fromBeginning: config.from_beginning ?? true,
        maxBatch: config.max_batch,
        maxQueued: config.max_queued,
      });
      try {
        await c.start();
      } catch (err) {
        await c.close().catch(() => {});
        throw err;
      }
      return c;
    };
    /** Attempts until connected or stopped (the client's own retries run inside each attempt). */
    const connect = async (signal: AbortSignal) => {
      for (let n = 1, delay = 500; !signal.aborted; n++) {
        try {
          const c = await attempt();
          if (signal.aborted) await c.close();
          else consumer = c;
          if (n > 1) ctx.logger.info({ topics: config.topics, attempts: n }, 'kafka source connected');
          return;
        } catch (err) {
          ctx.logger.warn(
            { err, topics: config.topics, group: config.group, attempt: n, retry_in_ms: delay },
            `kafka source cannot reach the broker (attempt ${n}); retrying in ${delay} ms`,
          );
          await sleep(delay, signal);
          delay = Math.min(delay * 2, config.retry_max_ms ?? 15000);
        }
      }
    };
    return {
      kind: 'source',
      async start() {
        if (!connecting) {
          stop = new AbortController();
          connecting = connect(stop.signal);
        }
        // Connected within the wait: as before. Otherwise the job runs and read() waits for it.
        const waited = new AbortController();
        const onStop = () => waited.abort();
        stop.signal.addEventListener('abort', onStop, { once: true });
        await Promise.race([connecting, sleep(config.startup_wait_ms ?? 10000, waited.signal)]);
        waited.abort();
        stop.signal.removeEventListener('abort', onStop);
      },
      async *read(signal): AsyncIterable<Emission> {
        if (!connecting) await this.start!();
        const onAbort = () => stop.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          await connecting;
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
        while (!signal.aborted && consumer) {
          const d = await consumer.next(signal);
          if (!d) return;
          consumed.inc({ pipeline: ctx.pipeline, node: ctx.node, topic: d.topic }, d.messages.length);
          yield {
            records: d.messages.map(decode),
            meta: {
              source: ctx.node,
              offsets: [{ topic: d.topic, partition: d.partition, from: d.from, to: d.to }],
            },
            // Only the settle function: a closure over `d` would keep the fetched message buffers
            // alive until the batch settles.
            settled: d.settle,
          };
        }
      },
      async close() {
        stop.abort();
        await connecting;
        connecting = undefined;
        await consumer?.close();
        consumer = undefined;
      },
    };
  },
});

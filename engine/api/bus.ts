/**
 * The event bus contract, shared by the embedded in-process bus and Apache Kafka.
 *
 * Semantics (both implementations): topics with partitions; a record's key picks its partition
 * (Kafka's murmur2 partitioner, so a symbol's events stay ordered); consumer groups split the
 * partitions among their members; each group has committed offsets, and a member that (re)joins
 * resumes from them. Commits are manual only: a {@link Delivery} is committed when it is settled
 * `delivered`/`rejected` and every earlier delivery of its partition is committed; `errored`
 * rewinds the partition to the delivery's first offset so it is fetched again.
 *
 * @example
 * const bus = createBus({ type: 'memory' });
 * await bus.ensureTopics([{ name: 'raw', partitions: 3, replicationFactor: 1, config: {} }]);
 * const p = await bus.producer();
 * await p.send('raw', [{ key: '600519.SH', value: Buffer.from('{}') }]);
 * const c = bus.consumer({ groupId: 'bronze', topics: ['raw'] });
 * await c.start();
 * const d = await c.next(signal); // ... write durably, then:
 * d?.settle('delivered');
 */

/** A record to publish. */
export interface BusRecord {
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
}

/** A consumed record with its position. */
export interface BusMessage {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings. */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Broker/append time, epoch ms. */
  timestamp: number;
}

/** How a delivery ended (same meaning as the engine's batch outcomes). */
export type DeliveryOutcome = 'delivered' | 'rejected' | 'errored';

/** One fetched batch of one partition, to be settled exactly once. */
export interface Delivery {
  topic: string;
  partition: number;
  /** First and last offset (inclusive). */
  from: string;
  to: string;
  messages: BusMessage[];
  /** Commits (in partition order) or rewinds. Settling twice throws. */
  settle(outcome: DeliveryOutcome): void;
}

/** A topic declaration (from a `kind: Topic` spec). `config` uses Kafka's topic-config names. */
export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

export interface TopicDrift {
  field: string;
  expected: string;
  actual: string;
}

/** What `ensureTopics` did for one topic. */
export interface TopicReport {
  topic: string;
  action: 'created' | 'verified' | 'drift';
  drift: TopicDrift[];
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. Default true (a replayable log). */
  fromBeginning?: boolean;
  /** Max messages per delivery. Default 500. */
  maxBatch?: number;
  /** Fetched deliveries buffered ahead of `next` (backpressure bound). Default 4. */
  maxQueued?: number;
}

export interface BusConsumer {
  /** Joins the group. */
  start(): Promise<void>;
  /** The next delivery, waiting for one; undefined when `signal` aborts or the consumer closes. */
  next(signal: AbortSignal): Promise<Delivery | undefined>;
  /** Partitions currently assigned to this member. */
  assignment(): { topic: string; partition: number }[];
  /** Waits for pending commits (bounded), then leaves the group. */
  close(): Promise<void>;
}

export interface SendResult {
  topic: string;
  partition: number;
  offset: string;
}

export interface BusProducer {
  /** Resolves when every record is durable (Kafka: acks=all). */
  send(topic: string, records: BusRecord[]): Promise<SendResult[]>;
  close(): Promise<void>;
}

export interface Bus {
  readonly type: 'memory' | 'kafka';
  /** Creates missing topics, verifies existing ones and reports drift (never alters them). */
  ensureTopics(specs: TopicSpec[]): Promise<TopicReport[]>;
  /**
   * `ensureTopics` for `kind: Topic` documents (so operators need not know the mapping to Kafka
   * config names).
   */
  declare(docs: readonly { metadata: { name: string }; spec: unknown }[]): Promise<TopicReport[]>;
  producer(): Promise<BusProducer>;
  consumer(opts: ConsumerOptions): BusConsumer;
  /** The log-end offset (next to be written) per partition of `topic`. */
  endOffsets(topic: string): Promise<Map<number, string>>;
  /** Committed offset (next to read) per partition of `topic` for `groupId`; -1 when none. */
  committed(groupId: string, topic: string): Promise<Map<number, string>>;
  close(): Promise<void>;
}

/** Settled deliveries are committed at `to + 1`, Kafka's "next offset to read" convention. */
export function nextOffset(to: string): string {
  return (BigInt(to) + 1n).toString();
}

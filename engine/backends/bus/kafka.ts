/**
 * The Kafka bus (kafkajs). Producer: idempotent, acks=all, one request in flight per broker (what
 * kafkajs' idempotence needs to keep order). Consumer: a consumer group with auto-commit OFF;
 * kafkajs only advances its fetch position, and offsets are committed by the
 * {@link CommitTracker} when deliveries settle. kafkajs pushes batches (`eachBatch`); they are
 * queued (bounded, `maxQueued`) and pulled with `next`, so a slow pipeline throttles fetching.
 */
import kafkajs, {
  type Consumer,
  type EachBatchPayload,
  type Kafka as KafkaClient,
  type Producer,
} from 'kafkajs';

// kafkajs is CommonJS: Node's ESM loader only sees its default export, so destructure it.
const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;
import type { SpecDoc } from '../../api/index.ts';
import { CommitTracker } from './commit-tracker.ts';
import { topicSpecOf, type TopicDocSpec } from './topic-kind.ts';
import { compareSpecs } from './memory.ts';
import type {
  Bus,
  BusConsumer,
  BusMessage,
  BusProducer,
  ConsumerOptions,
  Delivery,
  SendResult,
  TopicReport,
  TopicSpec,
} from './types.ts';

/** Bytes fetched per partition and request (kafkajs default: 1 MiB). */
const FETCH_BYTES_PER_PARTITION = 4 * 1024 * 1024;

export interface KafkaBusOptions {
  brokers: string[];
  clientId?: string;
  /** Receives client errors that are not thrown to a caller (commit failures, crashes). */
  onError?: (message: string, err: unknown) => void;
  /**
   * kafkajs' own retry of connections and requests (default: about a minute, enough for a broker
   * restart; consumers about twice that). Tests lower it to reach the caller's retry quickly.
   */
  retry?: { retries: number; initialRetryTime?: number; maxRetryTime?: number };
}

export class KafkaBus implements Bus {
  readonly type = 'kafka' as const;
  readonly kafka: KafkaClient;

  constructor(private readonly opts: KafkaBusOptions) {
    if (!opts.brokers?.length) throw new Error('kafka bus: "brokers" must list at least one host:port');
    this.kafka = new Kafka({
      clientId: opts.clientId ?? 'argus',
      brokers: opts.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      // A broker restart takes seconds: keep retrying for about a minute before surfacing an error.
      retry: opts.retry ?? { initialRetryTime: 250, maxRetryTime: 5000, retries: 15 },
    });
  }

  /** The client retry settings given at construction (consumers use them too). */
  get retry(): KafkaBusOptions['retry'] {
    return this.opts.retry;
  }

  onError(message: string, err: unknown): void {
    this.opts.onError?.(message, err);
  }

  /**
   * Creates the missing topics and verifies the others. Retried for a while on retriable errors:
   * just after a broker (re)start, metadata can briefly disown a partition it is loading.
   */
  async ensureTopics(specs: TopicSpec[]): Promise<TopicReport[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await this.ensureTopicsOnce(specs);
      } catch (err) {
        // Only the broker's retriable answers; an unreachable broker is the caller's to retry.
        const e = err as { name?: string; retriable?: boolean };
        if (e.name !== 'KafkaJSProtocolError' || !e.retriable || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async ensureTopicsOnce(specs: TopicSpec[]): Promise<TopicReport[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.name));
      if (missing.length) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor,
            configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
          })),
        });
      }
      const reports: TopicReport[] = missing.map((s) => ({ topic: s.name, action: 'created', drift: [] }));
      const present = specs.filter((s) => existing.has(s.name));
      if (!present.length) return reports;
      const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: present.map((s) => ({
          type: ConfigResourceTypes.TOPIC,
          name: s.name,
          configNames: Object.keys(s.config),
        })),
      });
      for (const s of present) {
        const m = meta.topics.find((t) => t.name === s.name);
        const c = configs.resources.find((r) => r.resourceName === s.name);
        const actual: TopicSpec = {
          name: s.name,
          partitions: m?.partitions.length ?? 0,
          replicationFactor: m?.partitions[0]?.replicas.length ?? 0,
          config: Object.fromEntries((c?.configEntries ?? []).map((e) => [e.configName, e.configValue])),
        };
        const drift = compareSpecs(s, actual);
        reports.push({ topic: s.name, action: drift.length ? 'drift' : 'verified', drift });
      }
      return reports;
    } finally {
      await admin.disconnect();
    }
  }

  declare(docs: readonly { metadata: { name: string }; spec: unknown }[]): Promise<TopicReport[]> {
    return this.ensureTopics(docs.map((d) => topicSpecOf(d as SpecDoc<TopicDocSpec>)));
  }

  async producer(): Promise<BusProducer> {
    const p: Producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await p.connect();
    return {
      async send(topic, records): Promise<SendResult[]> {
        if (!records.length) return [];
        const res = await p.send({
          topic,
          acks: -1,
          messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
        });
        return res.map((r) => ({ topic: r.topicName, partition: r.partition, offset: r.baseOffset ?? '-1' }));
      },
      close: () => p.disconnect(),
    };
  }

  consumer(opts: ConsumerOptions): BusConsumer {
    return new KafkaConsumer(this, opts);
  }

  async endOffsets(topic: string): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
    } finally {
      await admin.disconnect();
    }
  }

  async committed(groupId: string, topic: string): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const res = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((res[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {}
}

interface Queued {
  delivery: Omit<Delivery, 'settle'>;
  fetchedOffset: string;
}

class KafkaConsumer implements BusConsumer {
  private readonly consumer: Consumer;
  private readonly tracker: CommitTracker;
  private readonly queue: Queued[] = [];
  private wakeReader?: () => void;
  private readonly fetchers = new Set<() => void>();
  private owned: { topic: string; partition: number }[] = [];
  private started = false;
  private closed = false;

  constructor(
    private readonly bus: KafkaBus,
    private readonly opts: ConsumerOptions,
  ) {
    this.consumer = bus.kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      rebalanceTimeout: 30_000,
      maxWaitTimeInMs: 200,
      // Bigger fetches than kafkajs' 1 MiB per partition: a raw event is a few KiB, and every
      // delivery costs a Bronze commit (Delta log + fsync), so fewer, larger deliveries are cheaper.
      maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
      maxBytes: 4 * FETCH_BYTES_PER_PARTITION,
      allowAutoTopicCreation: false,
      retry: bus.retry ?? { initialRetryTime: 250, maxRetryTime: 5000, retries: 30 },
    });
    this.tracker = new CommitTracker({
      commit: (topic, partition, offset) => this.consumer.commitOffsets([{ topic, partition, offset }]),
      seek: (topic, partition, offset) => {
        // Drop what was fetched past the rewind point; the tracker also refuses stale fetches.
        for (let i = this.queue.length - 1; i >= 0; i--)
          if (this.queue[i].delivery.topic === topic && this.queue[i].delivery.partition === partition)
            this.queue.splice(i, 1);
        this.consumer.seek({ topic, partition, offset });
        this.wakeFetchers();
      },
      onError: (err, topic, partition) =>
        bus.onError(`commit of ${topic}[${partition}] failed (will be redelivered)`, err),
    });
    // A (re)join may move partitions: everything in flight will be fetched again from the
    // committed offsets, so forget it rather than commit it under a stale generation.
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.queue.length = 0;
      this.tracker.reset();
      const a = e.payload.memberAssignment;
      this.owned = Object.entries(a).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
    });
    this.consumer.on(this.consumer.events.CRASH, (e) =>
      bus.onError(`consumer ${opts.groupId} crashed (restart: ${e.payload.restart})`, e.payload.error),
    );
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.opts.topics,
      fromBeginning: this.opts.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 4,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const max = this.opts.maxBatch ?? 500;
    const maxQueued = this.opts.maxQueued ?? 4;
    let fetched = String((batch as unknown as { fetchedOffset: string }).fetchedOffset);
    for (let i = 0; i < batch.messages.length; i += max) {
      const slice = batch.messages.slice(i, i + max);
      // Backpressure: hold kafkajs here (heart-beating) until the pipeline pulls.
      while (this.queue.length >= maxQueued && isRunning() && !this.closed) {
        await new Promise<void>((r) => {
          const t = setTimeout(done, 1000);
          function done() {
            clearTimeout(t);
            r();
          }
          this.fetchers.add(done);
        });
        await heartbeat();
      }
      if (!isRunning() || isStale() || this.closed) return;
      const messages: BusMessage[] = slice.map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key ? m.key.toString('utf8') : null,
        value: m.value ?? Buffer.alloc(0),
        headers: headersOf(m.headers),
        timestamp: Number(m.timestamp),
      }));
      this.queue.push({
        fetchedOffset: fetched,
        delivery: {
          topic: batch.topic,
          partition: batch.partition,
          from: slice[0].offset,
          to: slice[slice.length - 1].offset,
          messages,
        },
      });
      fetched = (BigInt(slice[slice.length - 1].offset) + 1n).toString();
      this.wakeReader?.();
    }
  }

  private wakeFetchers(): void {
    const fs = [...this.fetchers];
    this.fetchers.clear();
    for (const f of fs) f();
  }

  assignment(): { topic: string; partition: number }[] {
    return [...this.owned];
  }

  async next(signal: AbortSignal): Promise<Delivery | undefined> {
    if (!this.started) await this.start();
    while (!signal.aborted && !this.closed) {
      const q = this.queue.shift();
      if (q) {
        this.wakeFetchers();
        const { topic, partition, from, to } = q.delivery;
        if (!this.tracker.accepts(topic, partition, q.fetchedOffset)) continue;
        return { ...q.delivery, settle: this.tracker.track(topic, partition, from, to) };
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.wakeReader = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeFetchers();
    this.wakeReader?.();
    await Promise.race([this.tracker.drain(), new Promise((r) => setTimeout(r, 5000))]);
    await this.consumer.disconnect();
  }
}

/** Message headers as strings (a loop: most messages have none, and this runs once per message). */
function headersOf(h: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h) for (const k of Object.keys(h)) out[k] = String(h[k]);
  return out;
}

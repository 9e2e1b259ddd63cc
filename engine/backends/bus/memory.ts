/**
 * The embedded in-process bus: Kafka's semantics without a broker, for the quickstart and unit
 * tests. Topics are arrays of partitions; groups keep committed offsets and split partitions
 * round-robin among their members (rebalanced on every join/leave); a member that joins resumes
 * from the committed offset, so "restart the consumer" replays exactly the uncommitted tail.
 * Everything lives as long as the bus object (it is not persisted across processes).
 */
import type { SpecDoc } from '../../api/index.ts';
import { CommitTracker } from './commit-tracker.ts';
import { topicSpecOf, type TopicDocSpec } from './topic-kind.ts';
import { partitionFor } from './partitioner.ts';
import type {
  Bus,
  BusConsumer,
  BusMessage,
  BusProducer,
  BusRecord,
  ConsumerOptions,
  Delivery,
  SendResult,
  TopicReport,
  TopicSpec,
} from './types.ts';

interface Topic {
  spec: TopicSpec;
  partitions: BusMessage[][];
}

interface Group {
  members: MemoryConsumer[];
  committed: Map<string, number>;
}

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export interface MemoryBusOptions {
  /** Partitions of topics created implicitly by a producer (Kafka's auto-create). Default 1. */
  defaultPartitions?: number;
}

export class MemoryBus implements Bus {
  readonly type = 'memory' as const;
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, Group>();
  private waiters = new Set<() => void>();

  constructor(private readonly opts: MemoryBusOptions = {}) {}

  async ensureTopics(specs: TopicSpec[]): Promise<TopicReport[]> {
    return specs.map((spec) => {
      const t = this.topics.get(spec.name);
      if (!t) {
        this.createTopic(spec);
        return { topic: spec.name, action: 'created', drift: [] };
      }
      const drift = compareSpecs(spec, t.spec);
      return { topic: spec.name, action: drift.length ? 'drift' : 'verified', drift };
    });
  }

  private createTopic(spec: TopicSpec): Topic {
    if (!(spec.partitions >= 1)) throw new Error(`topic ${spec.name}: partitions must be ≥ 1`);
    const t: Topic = { spec, partitions: Array.from({ length: spec.partitions }, () => []) };
    this.topics.set(spec.name, t);
    for (const g of this.groups.values()) this.rebalance(g);
    return t;
  }

  topic(name: string): Topic {
    return (
      this.topics.get(name) ??
      this.createTopic({
        name,
        partitions: this.opts.defaultPartitions ?? 1,
        replicationFactor: 1,
        config: {},
      })
    );
  }

  declare(docs: readonly { metadata: { name: string }; spec: unknown }[]): Promise<TopicReport[]> {
    return this.ensureTopics(docs.map((d) => topicSpecOf(d as SpecDoc<TopicDocSpec>)));
  }

  async producer(): Promise<BusProducer> {
    return {
      send: async (topic, records) => this.append(topic, records),
      close: async () => {},
    };
  }

  private append(topicName: string, records: BusRecord[]): SendResult[] {
    const t = this.topic(topicName);
    const out = records.map((r) => {
      const partition = partitionFor(r.key, t.partitions.length);
      const log = t.partitions[partition];
      const offset = String(log.length);
      log.push({
        topic: topicName,
        partition,
        offset,
        key: r.key,
        value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value,
        headers: r.headers ?? {},
        timestamp: Date.now(),
      });
      return { topic: topicName, partition, offset };
    });
    this.wake();
    return out;
  }

  /** Wakes every waiting consumer (new data, rebalance, seek). */
  wake(): void {
    const ws = this.waiters;
    this.waiters = new Set();
    for (const w of ws) w();
  }

  waitForChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  consumer(opts: ConsumerOptions): BusConsumer {
    return new MemoryConsumer(this, opts);
  }

  group(id: string): Group {
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = { members: [], committed: new Map() }));
    return g;
  }

  /** Round-robin assignment of every subscribed partition over the members, in join order. */
  rebalance(g: Group): void {
    const all: { topic: string; partition: number }[] = [];
    const topics = [...new Set(g.members.flatMap((m) => m.opts.topics))].sort();
    for (const name of topics) {
      const t = this.topic(name);
      for (let p = 0; p < t.partitions.length; p++) all.push({ topic: name, partition: p });
    }
    for (const m of g.members) m.assign([]);
    const eligible = (m: MemoryConsumer, topic: string) => m.opts.topics.includes(topic);
    const next = new Map<MemoryConsumer, { topic: string; partition: number }[]>();
    let i = 0;
    for (const a of all) {
      const candidates = g.members.filter((m) => eligible(m, a.topic));
      if (!candidates.length) continue;
      const m = candidates[i++ % candidates.length];
      next.set(m, [...(next.get(m) ?? []), a]);
    }
    for (const [m, list] of next) m.assign(list);
    this.wake();
  }

  async endOffsets(topic: string): Promise<Map<number, string>> {
    return new Map(this.topic(topic).partitions.map((log, p) => [p, String(log.length)]));
  }

  async committed(groupId: string, topic: string): Promise<Map<number, string>> {
    const g = this.group(groupId);
    const t = this.topic(topic);
    return new Map(t.partitions.map((_, p) => [p, String(g.committed.get(tp(topic, p)) ?? -1)]));
  }

  async close(): Promise<void> {
    this.wake();
  }
}

class MemoryConsumer implements BusConsumer {
  private owned: { topic: string; partition: number }[] = [];
  private readonly position = new Map<string, number>();
  private cursor = 0;
  private joined = false;
  private closed = false;
  private readonly tracker: CommitTracker;
  private readonly group: Group;

  constructor(
    private readonly bus: MemoryBus,
    readonly opts: ConsumerOptions,
  ) {
    this.group = bus.group(opts.groupId);
    this.tracker = new CommitTracker({
      commit: async (topic, partition, offset) => {
        // Like Kafka, only the current owner of a partition may commit it.
        if (!this.owns(topic, partition)) throw new Error(`not the owner of ${topic}[${partition}] any more`);
        this.group.committed.set(tp(topic, partition), Number(offset));
      },
      seek: (topic, partition, offset) => {
        this.position.set(tp(topic, partition), Number(offset));
        this.bus.wake();
      },
      onError: () => {},
    });
  }

  private owns(topic: string, partition: number): boolean {
    return this.owned.some((a) => a.topic === topic && a.partition === partition);
  }

  async start(): Promise<void> {
    if (this.joined) return;
    this.joined = true;
    this.group.members.push(this);
    this.bus.rebalance(this.group);
  }

  assign(list: { topic: string; partition: number }[]): void {
    this.owned = list;
    this.position.clear();
    this.tracker.reset();
    for (const { topic, partition } of list) {
      const c = this.group.committed.get(tp(topic, partition));
      const end = this.bus.topic(topic).partitions[partition].length;
      this.position.set(tp(topic, partition), c ?? (this.opts.fromBeginning === false ? end : 0));
    }
  }

  assignment(): { topic: string; partition: number }[] {
    return [...this.owned];
  }

  async next(signal: AbortSignal): Promise<Delivery | undefined> {
    if (!this.joined) await this.start();
    const max = this.opts.maxBatch ?? 500;
    while (!signal.aborted && !this.closed) {
      for (let k = 0; k < this.owned.length; k++) {
        const a = this.owned[(this.cursor + k) % this.owned.length];
        const log = this.bus.topic(a.topic).partitions[a.partition];
        const pos = this.position.get(tp(a.topic, a.partition)) ?? 0;
        if (pos >= log.length) continue;
        this.cursor = (this.cursor + k + 1) % this.owned.length;
        const messages = log.slice(pos, pos + max);
        this.position.set(tp(a.topic, a.partition), pos + messages.length);
        const from = messages[0].offset;
        const to = messages[messages.length - 1].offset;
        return {
          topic: a.topic,
          partition: a.partition,
          from,
          to,
          messages,
          settle: this.tracker.track(a.topic, a.partition, from, to),
        };
      }
      await this.bus.waitForChange(signal);
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tracker.drain();
    const i = this.group.members.indexOf(this);
    if (i >= 0) this.group.members.splice(i, 1);
    this.owned = [];
    this.bus.rebalance(this.group);
  }
}

/** Differences between a declared topic and what exists. */
export function compareSpecs(
  declared: TopicSpec,
  actual: TopicSpec,
): { field: string; expected: string; actual: string }[] {
  const drift: { field: string; expected: string; actual: string }[] = [];
  if (declared.partitions !== actual.partitions)
    drift.push({
      field: 'partitions',
      expected: String(declared.partitions),
      actual: String(actual.partitions),
    });
  if (declared.replicationFactor !== actual.replicationFactor)
    drift.push({
      field: 'replication_factor',
      expected: String(declared.replicationFactor),
      actual: String(actual.replicationFactor),
    });
  for (const [k, v] of Object.entries(declared.config)) {
    const a = actual.config[k];
    if (a !== v) drift.push({ field: k, expected: v, actual: a ?? '(unset)' });
  }
  return drift;
}

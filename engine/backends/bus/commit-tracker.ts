/**
 * Ordered commits for out-of-order settlements, shared by both bus implementations.
 *
 * Deliveries of one partition may settle in any order (parallel sinks), but a committed offset
 * means "everything before it is durable", so a partition's offset only moves to the end of the
 * longest settled prefix. An `errored` delivery rewinds the partition to its first offset: it and
 * every later in-flight delivery of that partition become stale (their settlements are ignored)
 * and are fetched again. Fetches are accepted only at the expected position, which drops batches
 * that were fetched before a rewind was applied.
 */
import type { DeliveryOutcome } from './types.ts';
import { nextOffset } from './types.ts';

interface Pending {
  from: string;
  to: string;
  epoch: number;
  done: boolean;
}

interface PartitionState {
  epoch: number;
  inflight: Pending[];
  /** The offset the next accepted fetch must start at; undefined = accept any (fresh assignment). */
  expected?: string;
  /** Serialises commits so that a later offset is never overtaken by an earlier one. */
  chain: Promise<void>;
}

export interface TrackerHooks {
  commit(topic: string, partition: number, offset: string): Promise<void>;
  seek(topic: string, partition: number, offset: string): void;
  onError(err: unknown, topic: string, partition: number): void;
}

export class CommitTracker {
  private readonly parts = new Map<string, PartitionState>();

  constructor(private readonly hooks: TrackerHooks) {}

  private state(topic: string, partition: number): PartitionState {
    const id = `${topic}\u0000${partition}`;
    let s = this.parts.get(id);
    if (!s) this.parts.set(id, (s = { epoch: 0, inflight: [], chain: Promise.resolve() }));
    return s;
  }

  /** Whether a batch fetched at `fetchedOffset` is current (not from before a rewind). */
  accepts(topic: string, partition: number, fetchedOffset: string): boolean {
    const s = this.state(topic, partition);
    return s.expected === undefined || BigInt(fetchedOffset) === BigInt(s.expected);
  }

  /** Registers a delivery [from, to]; returns its one-shot settle function. */
  track(topic: string, partition: number, from: string, to: string): (o: DeliveryOutcome) => void {
    const s = this.state(topic, partition);
    const entry: Pending = { from, to, epoch: s.epoch, done: false };
    s.inflight.push(entry);
    s.expected = nextOffset(to);
    let settled = false;
    return (outcome) => {
      if (settled) throw new Error(`delivery ${topic}[${partition}] ${from}..${to} settled twice`);
      settled = true;
      this.settle(topic, partition, entry, outcome);
    };
  }

  private settle(topic: string, partition: number, entry: Pending, outcome: DeliveryOutcome): void {
    const s = this.state(topic, partition);
    if (entry.epoch !== s.epoch) return; // stale: rewound, it will be delivered again
    if (outcome === 'errored') {
      const i = s.inflight.indexOf(entry);
      s.inflight.splice(i);
      s.epoch++;
      s.expected = entry.from;
      this.hooks.seek(topic, partition, entry.from);
      return;
    }
    entry.done = true;
    let last: Pending | undefined;
    while (s.inflight.length && s.inflight[0].done) last = s.inflight.shift();
    if (!last) return;
    const offset = nextOffset(last.to);
    s.chain = s.chain
      .then(() => this.hooks.commit(topic, partition, offset))
      .catch((err) => this.hooks.onError(err, topic, partition));
  }

  /** Forgets partitions (after a rebalance): in-flight deliveries of them no longer commit. */
  reset(): void {
    for (const s of this.parts.values()) {
      s.epoch++;
      s.inflight = [];
      s.expected = undefined;
    }
  }

  /** Deliveries not yet settled, over all partitions. */
  inflightCount(): number {
    let n = 0;
    for (const s of this.parts.values()) n += s.inflight.length;
    return n;
  }

  /** Resolves when every commit started so far has finished. */
  async drain(): Promise<void> {
    await Promise.all([...this.parts.values()].map((s) => s.chain));
  }
}

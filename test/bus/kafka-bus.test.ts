/**
 * The Kafka bus against the real broker: topic declaration and drift, key partitioning equal to
 * the embedded bus, ordered manual commits, rewind on `errored`, replay after a restart and a
 * consumer group split across two members.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../../engine/backends/bus/index.ts';
import { partitionFor } from '../../engine/backends/bus/partitioner.ts';
import type { Bus, BusConsumer, Delivery } from '../../engine/backends/bus/types.ts';
import { services } from '../helpers/services.ts';

const uniq = () => randomBytes(4).toString('hex');
const errors: string[] = [];
const bus: Bus = createBus({
  type: 'kafka',
  brokers: services().kafka.brokers,
  clientId: 'argus-test',
  onError: (m) => errors.push(m),
});
const consumers: BusConsumer[] = [];

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.close()));
});

function consumer(groupId: string, topic: string, maxBatch = 10): BusConsumer {
  const c = bus.consumer({ groupId, topics: [topic], maxBatch });
  consumers.push(c);
  return c;
}

/** Pulls deliveries until `n` messages arrived; fails after `ms`. */
async function take(c: BusConsumer, n: number, ms = 30_000): Promise<Delivery[]> {
  const out: Delivery[] = [];
  let count = 0;
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), ms);
  try {
    while (count < n) {
      const d = await c.next(ac.signal);
      if (!d) throw new Error(`only ${count} of ${n} messages within ${ms} ms`);
      out.push(d);
      count += d.messages.length;
    }
  } finally {
    clearTimeout(t);
  }
  return out;
}

async function produce(topic: string, n: number, start = 0): Promise<void> {
  const p = await bus.producer();
  await p.send(
    topic,
    Array.from({ length: n }, (_, i) => ({
      key: `k${(start + i) % 7}`,
      value: JSON.stringify({ i: start + i }),
    })),
  );
  await p.close();
}

const spec = (name: string, partitions: number) => ({
  name,
  partitions,
  replicationFactor: 1,
  config: {
    'retention.ms': '3600000',
    'cleanup.policy': 'delete',
    'compression.type': 'gzip',
    'min.insync.replicas': '1',
  },
});

describe('Kafka bus (real broker)', () => {
  it('creates declared topics, verifies them and reports drift without altering them', async () => {
    const name = `t-decl-${uniq()}`;
    expect(await bus.ensureTopics([spec(name, 3)])).toEqual([{ topic: name, action: 'created', drift: [] }]);
    expect((await bus.ensureTopics([spec(name, 3)]))[0].action).toBe('verified');
    const drifted = await bus.ensureTopics([
      { ...spec(name, 4), config: { ...spec(name, 4).config, 'retention.ms': '1000' } },
    ]);
    expect(drifted[0].action).toBe('drift');
    expect(drifted[0].drift).toEqual(
      expect.arrayContaining([
        { field: 'partitions', expected: '4', actual: '3' },
        { field: 'retention.ms', expected: '1000', actual: '3600000' },
      ]),
    );
  });

  it('keys pick the same partition as the embedded bus, and per-key order holds', async () => {
    const topic = `t-keys-${uniq()}`;
    await bus.ensureTopics([spec(topic, 4)]);
    await produce(topic, 70);
    const ds = await take(consumer(`g-${uniq()}`, topic, 100), 70);
    const seen: Record<string, number[]> = {};
    for (const d of ds)
      for (const m of d.messages) {
        expect(m.partition).toBe(partitionFor(m.key, 4));
        (seen[m.key!] ??= []).push(JSON.parse(m.value.toString()).i);
      }
    for (const list of Object.values(seen)) expect(list).toEqual([...list].sort((a, b) => a - b));
    ds.forEach((d) => d.settle('delivered'));
  });

  it('commits the settled prefix in order, rewinds on errored, replays the uncommitted tail after a restart', async () => {
    const topic = `t-commit-${uniq()}`;
    const group = `g-${uniq()}`;
    await bus.ensureTopics([spec(topic, 1)]);
    await produce(topic, 30);
    const c1 = consumer(group, topic, 10);
    const [a, b, c] = await take(c1, 30);
    expect([a.from, b.from, c.from]).toEqual(['0', '10', '20']);
    c.settle('delivered');
    b.settle('delivered');
    await new Promise((r) => setTimeout(r, 300));
    expect((await bus.committed(group, topic)).get(0)).toBe('-1');
    a.settle('delivered');
    await expect.poll(async () => (await bus.committed(group, topic)).get(0), { timeout: 5000 }).toBe('30');

    await produce(topic, 30, 30);
    const [d, e, f] = await take(c1, 30);
    d.settle('delivered');
    e.settle('errored');
    f.settle('delivered'); // after the rewind point: must not commit
    const again = await take(c1, 20);
    expect(again[0].from).toBe('40');
    await expect.poll(async () => (await bus.committed(group, topic)).get(0), { timeout: 5000 }).toBe('40');

    // Leave without settling the redelivery: a new member resumes at the committed offset.
    await c1.close();
    const c2 = consumer(group, topic, 10);
    const replay = await take(c2, 20);
    expect(replay.map((x) => [x.from, x.to])).toEqual([
      ['40', '49'],
      ['50', '59'],
    ]);
    replay.forEach((x) => x.settle('delivered'));
    await expect.poll(async () => (await bus.committed(group, topic)).get(0), { timeout: 5000 }).toBe('60');
  });

  it('splits the partitions of a topic between two members of one group', async () => {
    const topic = `t-group-${uniq()}`;
    const group = `g-${uniq()}`;
    await bus.ensureTopics([spec(topic, 4)]);
    const c1 = consumer(group, topic);
    const c2 = consumer(group, topic);
    await c1.start();
    await c2.start();
    await produce(topic, 40);
    // Both pull concurrently until everything arrived once.
    const got: Delivery[] = [];
    const ac = new AbortController();
    const pull = async (c: BusConsumer) => {
      for (;;) {
        const d = await c.next(ac.signal);
        if (!d) return;
        got.push(d);
        d.settle('delivered');
        if (got.reduce((n, x) => n + x.messages.length, 0) >= 40) ac.abort();
      }
    };
    const timer = setTimeout(() => ac.abort(), 60_000);
    await Promise.all([pull(c1), pull(c2)]);
    clearTimeout(timer);
    const a1 = c1.assignment().map((x) => x.partition);
    const a2 = c2.assignment().map((x) => x.partition);
    expect(a1.length).toBeGreaterThan(0);
    expect(a2.length).toBeGreaterThan(0);
    expect([...a1, ...a2].sort()).toEqual([0, 1, 2, 3]);
    const values = got
      .flatMap((d) => d.messages.map((m) => JSON.parse(m.value.toString()).i))
      .sort((x, y) => x - y);
    expect(values).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

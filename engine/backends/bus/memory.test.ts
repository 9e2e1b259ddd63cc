import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createBus } from './index.ts';
import { partitionFor } from './partitioner.ts';
import type { Bus, Delivery } from './types.ts';

const spec = (name: string, partitions: number) => ({
  name,
  partitions,
  replicationFactor: 1,
  config: { 'retention.ms': '1000' },
});

async function fill(bus: Bus, topic: string, n: number, keys = 5): Promise<void> {
  const p = await bus.producer();
  await p.send(
    topic,
    Array.from({ length: n }, (_, i) => ({ key: `k${i % keys}`, value: JSON.stringify({ i }) })),
  );
}

/** Pulls deliveries until `n` messages arrived (or nothing more comes within 50 ms). */
async function take(c: ReturnType<Bus['consumer']>, n: number): Promise<Delivery[]> {
  const out: Delivery[] = [];
  let count = 0;
  while (count < n) {
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), 50);
    const d = await c.next(ac.signal);
    clearTimeout(t);
    if (!d) break;
    out.push(d);
    count += d.messages.length;
  }
  return out;
}

describe('partitionFor', () => {
  it('matches kafkajs (and so the Java client) for the same key', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, i) => ({
      partitionId: i,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    for (const key of ['600519.SH', '000001.SZ', 'daily', 'x', '', 'stock_basic', '430047.BJ']) {
      const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
      expect(partitionFor(key, 6), key).toBe(expected);
    }
  });
});

describe('MemoryBus', () => {
  it('keeps one key in one partition, in order', async () => {
    const bus = createBus({ type: 'memory' });
    await bus.ensureTopics([spec('t', 4)]);
    await fill(bus, 't', 40);
    const c = bus.consumer({ groupId: 'g', topics: ['t'], maxBatch: 100 });
    const ds = await take(c, 40);
    const byKey = new Map<string, Set<number>>();
    for (const d of ds)
      for (const m of d.messages)
        (byKey.get(m.key!) ?? byKey.set(m.key!, new Set()).get(m.key!))!.add(d.partition);
    for (const parts of byKey.values()) expect(parts.size).toBe(1);
    const values = ds.flatMap((d) =>
      d.messages.filter((m) => m.key === 'k1').map((m) => JSON.parse(m.value.toString()).i),
    );
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values).toHaveLength(8);
  });

  it('commits only the settled prefix, in order, and replays the rest after a restart', async () => {
    const bus = createBus({ type: 'memory' });
    await bus.ensureTopics([spec('t', 1)]);
    await fill(bus, 't', 30);
    const c1 = bus.consumer({ groupId: 'g', topics: ['t'], maxBatch: 10 });
    const [a, b, c] = await take(c1, 30);
    c.settle('delivered');
    b.settle('rejected');
    await new Promise((r) => setTimeout(r, 5));
    expect((await bus.committed('g', 't')).get(0)).toBe('-1'); // a is still in flight
    a.settle('delivered');
    await new Promise((r) => setTimeout(r, 5));
    expect((await bus.committed('g', 't')).get(0)).toBe('30');

    await fill(bus, 't', 10);
    const [d] = await take(c1, 10);
    expect(d.from).toBe('30');
    await c1.close(); // d never settled: it must come back
    const c2 = bus.consumer({ groupId: 'g', topics: ['t'], maxBatch: 10 });
    const again = await take(c2, 10);
    expect(again.map((x) => [x.from, x.to])).toEqual([['30', '39']]);
  });

  it('rewinds an errored delivery and ignores later in-flight ones', async () => {
    const bus = createBus({ type: 'memory' });
    await bus.ensureTopics([spec('t', 1)]);
    await fill(bus, 't', 30);
    const cons = bus.consumer({ groupId: 'g', topics: ['t'], maxBatch: 10 });
    const [a, b, c] = await take(cons, 30);
    a.settle('delivered');
    b.settle('errored');
    c.settle('delivered'); // stale: must not commit past b
    await new Promise((r) => setTimeout(r, 5));
    expect((await bus.committed('g', 't')).get(0)).toBe('10');
    const re = await take(cons, 20);
    expect(re[0].from).toBe('10');
    expect(re.reduce((n, d) => n + d.messages.length, 0)).toBe(20);
    expect(() => a.settle('delivered')).toThrow(/settled twice/);
  });

  it('splits partitions between group members and rebalances when one leaves', async () => {
    const bus = createBus({ type: 'memory' });
    await bus.ensureTopics([spec('t', 4)]);
    const c1 = bus.consumer({ groupId: 'g', topics: ['t'] });
    const c2 = bus.consumer({ groupId: 'g', topics: ['t'] });
    await c1.start();
    await c2.start();
    const p1 = c1.assignment().map((a) => a.partition);
    const p2 = c2.assignment().map((a) => a.partition);
    expect(p1).toHaveLength(2);
    expect([...p1, ...p2].sort()).toEqual([0, 1, 2, 3]);
    await c1.close();
    expect(c2.assignment()).toHaveLength(4);
    // A different group sees everything independently.
    await fill(bus, 't', 8);
    const other = bus.consumer({ groupId: 'h', topics: ['t'] });
    expect((await take(other, 8)).reduce((n, d) => n + d.messages.length, 0)).toBe(8);
  });

  it('reports drift of a declared topic instead of changing it', async () => {
    const bus = createBus({ type: 'memory' });
    expect((await bus.ensureTopics([spec('t', 2)]))[0].action).toBe('created');
    expect((await bus.ensureTopics([spec('t', 2)]))[0].action).toBe('verified');
    const r = (await bus.ensureTopics([{ ...spec('t', 3), config: { 'retention.ms': '5' } }]))[0];
    expect(r.action).toBe('drift');
    expect(r.drift.map((d) => d.field).sort()).toEqual(['partitions', 'retention.ms']);
  });

  it('returns undefined from next when aborted', async () => {
    const bus = createBus({ type: 'memory' });
    const c = bus.consumer({ groupId: 'g', topics: ['empty'] });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 10);
    expect(await c.next(ac.signal)).toBeUndefined();
  });
});

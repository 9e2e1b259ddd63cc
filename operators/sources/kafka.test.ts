import { describe, expect, it } from 'vitest';
import { createBus } from '../../engine/backends/bus/index.ts';
import type { Outcome } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { runSink } from '../../engine/testing/drivers.ts';
import kafkaSink, { keyOf } from '../sinks/kafka.ts';
import kafkaSource from './kafka.ts';

const topicDoc = (name: string, partitions: number) => ({
  apiVersion: 'argus/v1' as const,
  kind: 'Topic',
  metadata: { name, version: 1 },
  spec: {
    partitions,
    replication_factor: 1,
    retention_ms: 1000,
    cleanup_policy: 'delete',
    min_insync_replicas: 1,
    compression: 'gzip',
  },
  file: 'topics.yaml',
});

describe('kafka sink + source on the embedded bus', () => {
  it('publishes keyed JSON, declares the topic from its Topic doc, and the source emits per batch with offsets', async () => {
    const bus = createBus({ type: 'memory' });
    const ctx = testContext({ backends: { bus }, specs: [topicDoc('raw', 3)] });
    const outcomes = await runSink(
      kafkaSink,
      { topic: 'raw', key: ['symbol', 'dataset'] },
      [
        [
          { symbol: '600519.SH', dataset: 'daily', n: 1 },
          { symbol: null, dataset: 'trade_cal', n: 2 },
        ],
        [{ symbol: '600519.SH', dataset: 'daily', n: 3 }],
      ],
      ctx,
    );
    expect(outcomes).toEqual(['delivered', 'delivered']);
    expect([...(await bus.endOffsets('raw')).keys()]).toHaveLength(3); // 3 partitions as declared

    const src = await kafkaSource.create({ topics: ['raw'], group: 'g', position_field: '_at' }, ctx);
    if (src.kind !== 'source') throw new Error('not a source');
    await src.start!();
    const ac = new AbortController();
    const got: { n: unknown; offsets: unknown }[] = [];
    const settled: Outcome[] = [];
    for await (const e of src.read(ac.signal)) {
      for (const r of e.records) got.push({ n: r.n, offsets: e.meta?.offsets });
      expect(e.records.every((r) => typeof (r._at as { offset: string }).offset === 'string')).toBe(true);
      e.settled!('delivered');
      settled.push('delivered');
      if (got.length === 3) ac.abort();
    }
    await src.close!();
    expect(got.map((g) => g.n).sort()).toEqual([1, 2, 3]);
    // The same key kept its order.
    const daily = got.filter((g) => g.n !== 2).map((g) => g.n);
    expect(daily).toEqual([1, 3]);
    expect(got[0].offsets).toEqual([
      expect.objectContaining({ topic: 'raw', from: expect.any(String), to: expect.any(String) }),
    ]);
    const committed = await bus.committed('g', 'raw');
    expect([...committed.values()].reduce((n, o) => n + Math.max(0, Number(o)), 0)).toBe(3);
  });

  it('turns undecodable messages into records carrying the decode error', async () => {
    const bus = createBus({ type: 'memory' });
    const p = await bus.producer();
    await p.send('t', [
      { key: 'k', value: '{oops' },
      { key: 'k', value: '[1]' },
      { key: 'k', value: '{"a":1}' },
    ]);
    const src = await kafkaSource.create({ topics: ['t'], group: 'g' }, testContext({ backends: { bus } }));
    if (src.kind !== 'source') throw new Error('not a source');
    const ac = new AbortController();
    for await (const e of src.read(ac.signal)) {
      expect(e.records[0]._decode_error).toMatch(/not JSON/);
      expect(e.records[0]._raw).toBe('{oops');
      expect(e.records[1]._decode_error).toMatch(/JSON array, not an object/);
      expect(e.records[2]).toEqual({ a: 1 });
      ac.abort();
    }
    await src.close!();
  });

  it('keys by the first present field', () => {
    expect(keyOf({ symbol: null, dataset: 'trade_cal' }, ['symbol', 'dataset'])).toBe('trade_cal');
    expect(keyOf({ symbol: '' }, ['symbol'])).toBeNull();
  });

  it('splits large batches into requests under the size limit', async () => {
    const bus = createBus({ type: 'memory' });
    const sizes: number[] = [];
    const counting = {
      ...bus,
      declare: bus.declare.bind(bus),
      producer: async () => ({
        send: async (_t: string, recs: unknown[]) => (sizes.push(recs.length), []),
        close: async () => {},
      }),
    };
    await runSink(
      kafkaSink,
      { topic: 't', max_request_bytes: 2048 },
      [Array.from({ length: 50 }, (_, i) => ({ i, pad: 'x'.repeat(100) }))],
      testContext({ backends: { bus: counting } }),
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(50);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2048 / 100);
  });
});

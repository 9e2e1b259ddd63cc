import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineOperator, type Outcome, type Rec } from '../api/index.ts';
import { genericRegistry } from '../../operators/generic.ts';
import { engineFromText } from '../testing/engine-fixture.ts';

/** Test-only operators: a source that reports outcomes, and sinks that collect, stall or fail. */
function registryWith(state: {
  outcomes: Outcome[];
  got: Record<string, Rec[]>;
  inflight?: { now: number; max: number };
}) {
  const r = genericRegistry();
  r.operators.register(
    defineOperator<{ n: number; size: number }>({
      type: 'counted',
      role: 'source',
      description: 'n records in batches; records outcomes',
      configSchema: { type: 'object' },
      examples: [],
      create: (c) => ({
        kind: 'source',
        async *read(signal) {
          for (let i = 0; i < c.n && !signal.aborted; i += c.size) {
            // ~250 bytes a record: 1M of them parked in memory would take ~250 MB.
            const records = Array.from({ length: Math.min(c.size, c.n - i) }, (_, k) => ({
              i: i + k,
              payload: `${i + k}`.padEnd(200, '.'),
            }));
            if (state.inflight)
              state.inflight.max = Math.max(state.inflight.max, (state.inflight.now += records.length));
            yield {
              records,
              settled: (o: Outcome) => {
                state.outcomes.push(o);
                if (state.inflight) state.inflight.now -= records.length;
              },
            };
          }
        },
      }),
    }),
  );
  r.operators.register(
    defineOperator<{ name: string; delay_ms?: number; fail_when?: number; count_only?: boolean }>({
      type: 'collect',
      role: 'sink',
      description: 'collects records; optionally slow or failing',
      configSchema: { type: 'object' },
      examples: [],
      create: (c) => ({
        kind: 'sink',
        async write(batch) {
          if (c.delay_ms) await new Promise((res) => setTimeout(res, c.delay_ms));
          if (c.fail_when !== undefined && batch.records.some((x) => x.i === c.fail_when))
            throw new Error('disk full');
          if (c.count_only) {
            const seen = (state.got[c.name] ??= [{ n: 0, ordered: true }])[0];
            for (const x of batch.records) seen.ordered &&= x.i === (seen.n as number)++;
          } else (state.got[c.name] ??= []).push(...batch.records.map((x) => ({ i: x.i })));
        },
      }),
    }),
  );
  return r;
}

const pipeline = (nodes: string) => `apiVersion: argus/v1
kind: Pipeline
metadata: {name: t, version: 1}
spec:
  settings: {max_in_flight: 4}
  nodes:
${nodes}`;

describe('running graph', () => {
  it('acknowledges an emission once, after every sink it reached, with the worst outcome', async () => {
    const state = { outcomes: [] as Outcome[], got: {} as Record<string, Rec[]> };
    const { engine } = await engineFromText(
      registryWith(state),
      pipeline(`    - {id: src, type: counted, config: {n: 10, size: 2}}
    - {id: a, type: collect, inputs: [src], config: {name: a}}
    - {id: b, type: collect, inputs: [src], config: {name: b, fail_when: 5}}`),
    );
    await engine.start();
    await engine.done();
    await engine.stop();
    expect(state.got.a.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(state.got.b.map((r) => r.i)).toEqual([0, 1, 2, 3, 6, 7, 8, 9]);
    expect(state.outcomes).toEqual(['delivered', 'delivered', 'errored', 'delivered', 'delivered']);
    const text = await engine.env.metrics.registry.metrics();
    expect(text).toContain('argus_node_records_in_total{pipeline="t",node="a"} 10');
    expect(text).toContain('argus_node_errors_total{pipeline="t",node="b"} 1');
    expect(text).toContain('argus_source_emissions_total{pipeline="t",node="src",outcome="errored"} 1');
  });

  it('dead-letters records of an unconnected error port with the reason, and the stream continues', async () => {
    const state = { outcomes: [] as Outcome[], got: {} as Record<string, Rec[]> };
    const { engine, root } = await engineFromText(
      registryWith(state),
      pipeline(`    - {id: src, type: counted, config: {n: 4, size: 4}}
    - {id: m, type: map, inputs: [src], config: {fields: {bad: "i"}, cast: {i: boolean}}}
    - {id: out, type: collect, inputs: [m], config: {name: out}}`),
    );
    await engine.start();
    await engine.done();
    await engine.stop();
    expect(state.got.out.map((r) => r.i)).toEqual([false, true]);
    const letters = readFileSync(join(root, '.argus/dead-letter/t.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(letters.map((l) => [l.node, l.port, l.reason, l.record.i])).toEqual([
      ['m', 'error', 'field i: cannot cast 2 to boolean', 2],
      ['m', 'error', 'field i: cannot cast 3 to boolean', 3],
    ]);
    expect(state.outcomes).toEqual(['rejected']); // part dead-lettered: the source may commit
  });

  it('applies backpressure: 1M records through a slow sink with bounded in-flight records and memory', async () => {
    const state = {
      outcomes: [] as Outcome[],
      got: {} as Record<string, Rec[]>,
      inflight: { now: 0, max: 0 },
    };
    const { engine } = await engineFromText(
      registryWith(state),
      pipeline(`    - {id: src, type: counted, config: {n: 1000000, size: 1000}}
    - {id: m, type: map, inputs: [src], config: {fields: {sq: "i * i"}}}
    - {id: out, type: collect, inputs: [m], config: {name: out, delay_ms: 1, count_only: true}}`),
    );
    // Live heap: collect before each sample (vitest runs unit tests with --expose-gc).
    const live = () => (global.gc!(), process.memoryUsage().heapUsed);
    const heap0 = live();
    let heapMax = heap0;
    const timer = setInterval(() => (heapMax = Math.max(heapMax, live())), 100);
    await engine.start();
    await engine.done();
    await engine.stop();
    clearInterval(timer);
    expect(state.outcomes).toHaveLength(1000);
    // max_in_flight (4) batches of 1000 records, plus the one being read.
    expect(state.inflight.max).toBeLessThanOrEqual(5 * 1000);
    expect(state.got.out[0]).toEqual({ n: 1_000_000, ordered: true });
    // Without backpressure the fast source would park ~1M records (~250 MB) in front of the slow
    // sink; with it only a few batches are alive (garbage awaiting collection aside).
    expect(heapMax - heap0).toBeLessThan(32 * 1024 * 1024);
  });

  it('drains in-flight batches on stop: everything emitted is delivered exactly once', async () => {
    const state = { outcomes: [] as Outcome[], got: {} as Record<string, Rec[]> };
    const { engine } = await engineFromText(
      registryWith(state),
      pipeline(`    - {id: src, type: generate, config: {batch_size: 10, interval_ms: 1}}
    - {id: out, type: collect, inputs: [src], config: {name: out, delay_ms: 2}}`),
    );
    await engine.start();
    await new Promise((r) => setTimeout(r, 150));
    await engine.stop();
    const seen = state.got.out.map((r) => r.i as number);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
  });
});

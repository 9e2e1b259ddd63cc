/**
 * `npm run bench -- reload [--runs 3] [--scale 1]`: hot reload under a continuous stream. A running
 * engine (generate → map (tag) → sink, 20-record batches every 2 ms) is watched by the real file
 * watcher (`engine/reload/watch.ts`, the default 200 ms debounce `argus run --watch` uses); the
 * pipeline YAML is saved 10 × scale times with a new tag. Per save:
 * - save → reload applied (watcher event + debounce + re-read + validate + compile + swap),
 * - save → first record with the new tag at the sink (the new graph running end to end),
 * - the swap alone (`SwapStats.millis`) and the records held during it (`heldRecords`).
 * The peer is the debounce itself (the floor any watcher-based reload pays): `over debounce` is
 * the save → applied time minus it. Every record must arrive once and in order (checked).
 */
import { writeFileSync } from 'node:fs';
import { defineOperator } from '../engine/api/index.ts';
import { watchAndReload } from '../engine/reload/watch.ts';
import type { ReloadResult } from '../engine/runtime/engine.ts';
import { engineFromText } from '../engine/testing/engine-fixture.ts';
import { genericRegistry } from '../operators/generic.ts';
import { median } from './run.ts';
import { defineBench, type BenchRow } from './types.ts';

const DEBOUNCE_MS = 200;

const spec = (tag: string) => `apiVersion: argus/v1
kind: Pipeline
metadata: {name: reload_bench, version: 1}
spec:
  settings: {max_in_flight: 8}
  nodes:
    - {id: numbers, type: generate, config: {batch_size: 20, interval_ms: 2}}
    - {id: tag, type: map, inputs: [numbers], config: {fields: {tag: "'${tag}'"}}}
    - {id: out, type: bench_probe, inputs: [tag]}
`;

export default defineBench({
  name: 'reload',
  description:
    'hot reload under a continuous stream: YAML save → new graph running, swap time, records held during the swap',
  async run({ scale, log }) {
    const firstSeen = new Map<string, number>();
    const seq: number[] = [];
    const registry = genericRegistry();
    registry.operators.register(
      defineOperator({
        type: 'bench_probe',
        role: 'sink',
        description: 'records when each tag first arrives',
        configSchema: { type: 'object', additionalProperties: false },
        examples: [],
        create: () => ({
          kind: 'sink',
          async write(batch) {
            const now = performance.now();
            for (const r of batch.records) {
              seq.push(r.i as number);
              const tag = String(r.tag);
              if (!firstSeen.has(tag)) firstSeen.set(tag, now);
            }
          },
        }),
      }),
    );
    const { engine, file, paths } = await engineFromText(registry, spec('v0'));
    let notify: ((r: ReloadResult) => void) | undefined;
    const watcher = watchAndReload(engine, paths, (r) => notify?.(r), DEBOUNCE_MS);
    await engine.start();
    await new Promise((r) => setTimeout(r, 500)); // chokidar ready, records flowing
    const edits = Math.max(3, Math.round(10 * scale));
    const applied: number[] = [];
    const running: number[] = [];
    const swap: number[] = [];
    const held: number[] = [];
    try {
      for (let k = 1; k <= edits; k++) {
        const tag = `v${k}`;
        const done = new Promise<ReloadResult>((r) => (notify = r));
        const t0 = performance.now();
        writeFileSync(file, spec(tag));
        const result = await done;
        const tApplied = performance.now();
        if (result.outcome !== 'applied')
          throw new Error(`reload ${k}: ${result.outcome}: ${JSON.stringify(result)}`);
        while (!firstSeen.has(tag)) {
          if (performance.now() - t0 > 10_000)
            throw new Error(`reload ${k}: tag ${tag} never reached the sink`);
          await new Promise((r) => setTimeout(r, 1));
        }
        applied.push(tApplied - t0);
        running.push(firstSeen.get(tag)! - t0);
        const stats = Object.values(result.pipelines);
        swap.push(stats.reduce((a, s) => a + s.millis, 0));
        held.push(stats.reduce((a, s) => a + s.heldRecords, 0));
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await watcher.close();
      await engine.stop();
    }
    for (let i = 0; i < seq.length; i++)
      if (seq[i] !== i)
        throw new Error(`reload bench: record ${i} arrived as ${seq[i]} (lost, repeated or reordered)`);
    log(`${edits} saves, ${seq.length} records through, in order`);
    const m = median;
    return [
      {
        metric: 'save → reload applied',
        median: m(applied),
        max: Math.max(...applied),
        unit: 'ms',
        'over debounce': m(applied) - DEBOUNCE_MS,
      },
      {
        metric: 'save → new graph running (first new record at sink)',
        median: m(running),
        max: Math.max(...running),
        unit: 'ms',
        'over debounce': m(running) - DEBOUNCE_MS,
      },
      {
        metric: 'swap (drain + replace changed nodes)',
        median: m(swap),
        max: Math.max(...swap),
        unit: 'ms',
        'over debounce': null,
      },
      {
        metric: 'records held during the swap',
        median: m(held),
        max: Math.max(...held),
        unit: 'records',
        'over debounce': null,
      },
      {
        metric: 'records through (all in order)',
        median: seq.length,
        max: seq.length,
        unit: 'records',
        'over debounce': null,
      },
    ] satisfies BenchRow[];
  },
});

import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defineOperator, type Rec } from '../api/index.ts';
import { genericRegistry } from '../../operators/generic.ts';
import { engineFromText } from '../testing/engine-fixture.ts';
import type { ReloadResult } from '../runtime/engine.ts';
import { watchAndReload } from './watch.ts';

const got: Rec[] = [];
const registry = genericRegistry();
registry.operators.register(
  defineOperator<{ delay_ms: number }>({
    type: 'collect',
    role: 'sink',
    description: 'collects records into the test',
    configSchema: {
      type: 'object',
      properties: { delay_ms: { type: 'integer' } },
      additionalProperties: false,
    },
    examples: [],
    create: (c) => ({
      kind: 'sink',
      async write(batch) {
        await new Promise((r) => setTimeout(r, c.delay_ms));
        got.push(...batch.records.map((r) => ({ i: r.i, tag: r.tag, sink: c.delay_ms })));
      },
    }),
  }),
);

const spec = (tag: string, delay: number, mapKey = 'fields') => `apiVersion: argus/v1
kind: Pipeline
metadata: {name: reload, version: 1}
spec:
  settings: {max_in_flight: 8}
  nodes:
    - {id: numbers, type: generate, config: {batch_size: 20, interval_ms: 2}}
    - {id: tag, type: map, inputs: [numbers], config: {${mapKey}: {tag: "'${tag}'"}}}
    - {id: out, type: collect, inputs: [tag], config: {delay_ms: ${delay}}}
`;

describe('hot reload', () => {
  it('edits the YAML 20 times under a continuous stream: nothing lost or duplicated, every valid edit takes effect', async () => {
    const { engine, file, paths } = await engineFromText(registry, spec('v0', 1));
    const results: ReloadResult[] = [];
    let notify: (() => void) | undefined;
    const watcher = watchAndReload(
      engine,
      paths,
      (r) => {
        results.push(r);
        notify?.();
      },
      50,
    );
    await engine.start();
    await new Promise((r) => setTimeout(r, 300)); // chokidar is ready and records flow
    const valid: string[] = [];
    for (let k = 1; k <= 20; k++) {
      const invalid = k % 3 === 0;
      const edit = invalid ? spec(`v${k}`, 1, 'feilds') : spec(`v${k}`, k % 2 ? 1 : 2);
      const reloaded = new Promise<void>((r) => (notify = r));
      writeFileSync(file, edit);
      await reloaded;
      expect(results.at(-1)!.outcome).toBe(invalid ? 'invalid' : 'applied');
      if (!invalid) valid.push(`v${k}`);
      await new Promise((r) => setTimeout(r, 60));
    }
    await watcher.close();
    await engine.stop();

    const seq = got.map((r) => r.i as number);
    expect(seq.length).toBeGreaterThan(500);
    expect(seq).toEqual(Array.from({ length: seq.length }, (_, i) => i)); // in order, no gap, no repeat
    const tags = [...new Set(got.map((r) => r.tag))];
    expect(tags).toEqual(['v0', ...valid]); // each valid edit took effect, in order; invalid ones never
    const invalid = results.filter((r) => r.outcome === 'invalid');
    expect(invalid).toHaveLength(6);
    expect(invalid[0].outcome === 'invalid' && invalid[0].errors[0].message).toBe('unknown key "feilds"');
  });

  it('swaps only changed nodes and rolls back when a new node fails to start', async () => {
    const r2 = genericRegistry();
    r2.operators.register(
      defineOperator<{ fail: boolean }>({
        type: 'flaky',
        role: 'sink',
        description: 'fails to start when told to',
        configSchema: { type: 'object' },
        examples: [],
        create: (c) => ({
          kind: 'sink',
          async start() {
            if (c.fail) throw new Error('cannot connect');
          },
          async write() {},
        }),
      }),
    );
    const text = (fail: boolean, count = 5) => `apiVersion: argus/v1
kind: Pipeline
metadata: {name: swap, version: 1}
spec:
  nodes:
    - {id: numbers, type: generate, config: {batch_size: 5, interval_ms: 5}}
    - {id: keep, type: filter, inputs: [numbers], config: {expr: "i >= 0"}}
    - {id: out, type: flaky, inputs: [keep], config: {fail: ${fail}, n: ${count}}}
`;
    const { engine, file, paths } = await engineFromText(r2, text(false));
    await engine.start();
    writeFileSync(file, text(false, 6));
    const applied = await engine.reload(paths);
    expect(applied.outcome === 'applied' && applied.pipelines.swap).toMatchObject({
      changed: ['out'],
      added: [],
      removed: [],
    });
    writeFileSync(file, text(true, 7));
    const rolled = await engine.reload(paths);
    expect(rolled).toEqual({ outcome: 'rolled back', error: 'node "out" failed to start: cannot connect' });
    expect(engine.graphs.get('swap')!.runs.get('out')!.built.planned.spec.config).toEqual({
      fail: false,
      n: 6,
    });
    await engine.stop();
  });
});

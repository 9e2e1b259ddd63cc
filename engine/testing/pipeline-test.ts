/**
 * Runs `PipelineTest` documents: source nodes are replaced by the case's input records, sinks by
 * captures; every port's output is recorded and compared with the expectation (`id` or `id.port`).
 */
import { isDeepStrictEqual } from 'node:util';
import { dirname, resolve } from 'node:path';
import pino from 'pino';
import type { Batch, Rec, SpecDoc } from '../api/index.ts';
import { settle } from '../api/index.ts';
import { instantiate, type BuiltNode } from '../compiler/instantiate.ts';
import { planPipeline } from '../compiler/plan.ts';
import type { Registry } from '../registry/registry.ts';
import { DeadLetterFile } from '../runtime/dead-letter.ts';
import { Engine } from '../runtime/engine.ts';
import { RunningGraph } from '../runtime/graph.ts';
import { formatError } from '../spec/errors.ts';
import { loadPaths } from '../spec/load.ts';
import type { PipelineSpec } from '../spec/pipeline-kind.ts';
import type { PipelineTestSpec } from '../spec/pipeline-test-kind.ts';

export interface CaseResult {
  name: string;
  failures: string[];
}

export async function runPipelineTest(
  test: SpecDoc<PipelineTestSpec>,
  registry: Registry,
  extraPaths: string[] = [],
): Promise<CaseResult[]> {
  const file = resolve(dirname(resolve(test.file)), test.spec.pipeline);
  const { docs, errors } = loadPaths([file, ...extraPaths], registry);
  const doc = docs.find((d) => d.kind === 'Pipeline') as SpecDoc<PipelineSpec> | undefined;
  if (errors.length || !doc)
    return [{ name: '(load)', failures: errors.length ? errors.map(formatError) : [`${file}: no Pipeline`] }];
  const results: CaseResult[] = [];
  for (const c of test.spec.cases) {
    const engine = Engine.create({ registry, logger: pino({ level: 'silent' }) });
    engine.env.docs = docs;
    const { plan, errors: planErrors } = planPipeline(doc, registry);
    if (planErrors.length) return [{ name: c.name, failures: planErrors.map(formatError) }];
    const built = new Map<string, BuiltNode>();
    const failures: string[] = [];
    for (const node of plan.nodes.values()) {
      const b = await instantiate(plan, node, engine.env);
      if (Array.isArray(b)) {
        failures.push(...b.map(formatError));
        continue;
      }
      if (b.instance.kind === 'source') b.instance = fixedSource(c.inputs[node.id] ?? []);
      if (b.instance.kind === 'sink') b.instance = { kind: 'sink', async write() {} };
      built.set(node.id, b);
    }
    for (const id of Object.keys(c.inputs))
      if (plan.nodes.get(id)?.def.role !== 'source') failures.push(`inputs: "${id}" is not a source node`);
    if (failures.length) {
      results.push({ name: c.name, failures });
      continue;
    }
    const seen = new Map<string, Rec[]>();
    const graph = new RunningGraph(plan, built, engine.env, 16, new DeadLetterFile('/dev/null'));
    const route = graph.route.bind(graph);
    graph.route = (from: string, port: string, batch: Batch) => {
      seen.set(`${from}.${port}`, [...(seen.get(`${from}.${port}`) ?? []), ...batch.records]);
      if ((plan.consumers.get(`${from}.${port}`) ?? []).length === 0) return settle(batch, 'delivered');
      route(from, port, batch);
    };
    await graph.start();
    await graph.done();
    for (const [key, expected] of Object.entries(c.expect)) {
      const actual = seen.get(key.includes('.') ? key : `${key}.out`) ?? inputsOfSink(plan, key, seen);
      const same = c.unordered ? sameSet(actual, expected) : isDeepStrictEqual(actual, expected);
      if (!same)
        failures.push(`${key}: expected ${JSON.stringify(expected)}\n      got ${JSON.stringify(actual)}`);
    }
    results.push({ name: c.name, failures });
  }
  return results;
}

function fixedSource(records: Rec[]) {
  return {
    kind: 'source' as const,
    async *read() {
      if (records.length) yield { records };
    },
  };
}

/** What a sink received: the union of its inputs' outputs. */
function inputsOfSink(
  plan: ReturnType<typeof planPipeline>['plan'],
  id: string,
  seen: Map<string, Rec[]>,
): Rec[] {
  return (plan.nodes.get(id)?.inputs ?? []).flatMap((e) => seen.get(`${e.from}.${e.port}`) ?? []);
}

function sameSet(a: Rec[], b: Rec[]): boolean {
  const key = (r: Rec) =>
    JSON.stringify(
      Object.keys(r)
        .sort()
        .map((k) => [k, r[k]]),
    );
  return a.length === b.length && isDeepStrictEqual(a.map(key).sort(), b.map(key).sort());
}

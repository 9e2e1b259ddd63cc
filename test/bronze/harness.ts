/**
 * Runs the real `pipelines/bronze.yaml` in-process with the engine, on a given bus and lake
 * directory, with the topic and group renamed so each scenario is isolated; plus helpers to wait
 * until the group committed everything and to read the resulting tables.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover } from '../../engine/registry/discover.ts';
import { Registry } from '../../engine/registry/registry.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { pipelineKind } from '../../engine/spec/pipeline-kind.ts';
import tableSchemaKind from '../../engine/lake/table-schema-kind.ts';
import topicKind from '../../engine/backends/bus/topic-kind.ts';
import { createLake } from '../../engine/lake/index.ts';
import type { Bus } from '../../engine/backends/bus/types.ts';
import type { Rec, SecretResolver } from '../../engine/api/index.ts';
import { backendsFromEnv } from '../../engine/backends/from-env.ts';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export interface Names {
  topic: string;
  dlq: string;
  group: string;
}

let registry: Promise<Registry> | undefined;
export function bronzeRegistry(): Promise<Registry> {
  return (registry ??= (async () => {
    const r = new Registry([pipelineKind, tableSchemaKind, topicKind]);
    await discover(r, join(ROOT, 'operators'));
    return r;
  })());
}

/** Copies of bronze.yaml and topics.yaml with the topic/group names of this scenario. */
export function specFiles(names: Names, dir = mkdtempSync(join(tmpdir(), 'argus-bronze-spec-'))): string[] {
  mkdirSync(dir, { recursive: true });
  const rename = (text: string) =>
    text
      .replaceAll('raw_data_topic', names.topic)
      .replaceAll('raw_data_dlq', names.dlq)
      .replace('group: bronze', `group: ${names.group}`);
  const pipeline = join(dir, 'bronze.yaml');
  const topics = join(dir, 'topics.yaml');
  writeFileSync(pipeline, rename(readFileSync(join(ROOT, 'pipelines/bronze.yaml'), 'utf8')));
  writeFileSync(topics, rename(readFileSync(join(ROOT, 'schemas/events/topics.yaml'), 'utf8')));
  return [pipeline, topics, join(ROOT, 'schemas/bronze')];
}

/** The engine closes its backends on stop; the scenario's bus outlives several engines. */
function unclosable(bus: Bus): Bus {
  return new Proxy(bus, {
    get(target, prop) {
      if (prop === 'close') return async () => {};
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** A copy of pipelines/collect.yaml publishing to this scenario's topics (in the dir of `files[0]`). */
export function collectFile(names: Names, files: string[]): string {
  const out = join(dirname(files[0]), 'collect.yaml');
  writeFileSync(
    out,
    readFileSync(join(ROOT, 'pipelines/collect.yaml'), 'utf8')
      .replaceAll('raw_data_topic', names.topic)
      .replaceAll('raw_data_dlq', names.dlq),
  );
  return out;
}

export async function startBronze(
  bus: Bus,
  lakeRoot: string,
  files: string[],
  secrets?: SecretResolver,
): Promise<Engine> {
  const engine = Engine.create({
    registry: await bronzeRegistry(),
    root: ROOT,
    lakeRoot,
    secrets,
    // Embedded defaults for the rest (quota in memory, health, alerts to the log, env secrets).
    backends: { ...backendsFromEnv({}), bus: () => unclosable(bus), lake: (env) => createLake(env.lakeRoot) },
  });
  const errors = await engine.load(files);
  if (errors.length) throw new Error(`bronze.yaml does not load: ${JSON.stringify(errors, null, 1)}`);
  await engine.start();
  return engine;
}

/** Waits until `group` committed every message of `topic` (fails after `ms`). */
export async function drained(bus: Bus, topic: string, group: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    let end = new Map<number, string>();
    let done = new Map<number, string>();
    try {
      end = await bus.endOffsets(topic);
      done = await bus.committed(group, topic);
      if ([...end].every(([p, o]) => o === '0' || done.get(p) === o)) return;
    } catch (err) {
      // Right after a broker restart the group coordinator moves (NOT_COORDINATOR and the like):
      // transient, so ask again; anything else is a real failure.
      if (!(err as { retriable?: boolean }).retriable || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `group ${group} did not commit ${topic} in ${ms} ms: end ${JSON.stringify([...end])}, committed ${JSON.stringify([...done])}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function readTable(lakeRoot: string, name: string): Promise<Rec[]> {
  const t = createLake(lakeRoot).table(name);
  return (await t.exists()) ? t.read() : [];
}

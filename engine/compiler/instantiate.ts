/**
 * Creates the operator instance of a planned node with its context. Records which spec documents
 * the node read (its dependencies) and a fingerprint of everything it was built from, so reload can
 * tell exactly which nodes changed. Config problems are reported at their YAML location.
 */
import { join } from 'node:path';
import type { Context, Instance, SpecDoc } from '../api/index.ts';
import { ConfigError, Secret } from '../api/index.ts';
import type { EngineEnv } from '../runtime/env.ts';
import type { SpecError } from '../spec/errors.ts';
import { errorAt } from '../spec/load.ts';
import { checkSchema, type Problem } from '../spec/schema-check.ts';
import { canonical } from './canonical.ts';
import { resolveEnvRefs } from './env-refs.ts';
import type { Plan, PlannedNode } from './plan.ts';

export interface BuiltNode {
  planned: PlannedNode;
  instance: Instance;
  /** `kind/name` of every spec document read by `create`. */
  deps: string[];
  fingerprint: string;
  abort: AbortController;
}

/** The newest version of a document by kind and name. */
export function findSpec(docs: SpecDoc[], kind: string, name: string): SpecDoc | undefined {
  return docs
    .filter((d) => d.kind === kind && d.metadata.name === name)
    .sort((a, b) => Number(b.metadata.version) - Number(a.metadata.version))[0];
}

/** Fingerprint of a node: its spec plus the content of the documents it depends on. */
export function fingerprint(planned: PlannedNode, deps: string[], docs: SpecDoc[]): string {
  const depDocs = deps.map((d) => {
    const [kind, name] = d.split('/', 2);
    const doc = findSpec(docs, kind, d.slice(kind.length + 1));
    return doc ? { kind, name, spec: doc.spec, version: doc.metadata.version } : { missing: d };
  });
  const { description: _d, ...spec } = planned.spec;
  return canonical({ spec, depDocs });
}

export function makeContext(
  plan: Plan,
  node: PlannedNode,
  env: EngineEnv,
  deps: Set<string>,
  signal: AbortSignal,
): Context {
  return {
    pipeline: plan.name,
    node: node.id,
    logger: env.logger.child({ pipeline: plan.name, node: node.id }),
    metrics: env.metrics,
    spec<S>(kind: string, name: string) {
      deps.add(`${kind}/${name}`);
      const doc = findSpec(env.docs, kind, name);
      if (!doc)
        throw new ConfigError(
          '',
          `no ${kind} named "${name}" is loaded`,
          'add the document to the paths given to argus',
        );
      return doc as SpecDoc<S>;
    },
    specs<S>(kind: string) {
      const docs = env.docs.filter((d) => d.kind === kind);
      for (const d of docs) deps.add(`${kind}/${d.metadata.name}`);
      return docs as SpecDoc<S>[];
    },
    secret(ref: string) {
      const s = Secret.parse(ref, env.secrets);
      if (!s)
        throw new ConfigError(
          '',
          `not a secret reference: "${ref.slice(0, 40)}"`,
          'write ${secret:<path>#<key>}',
        );
      return s;
    },
    backend: <T>(role: string) => env.backends.get<T>(role),
    paths: { root: env.root, lake: env.lakeRoot, state: join(env.stateRoot, plan.name, node.id) },
    signal,
  };
}

export async function instantiate(
  plan: Plan,
  node: PlannedNode,
  env: EngineEnv,
): Promise<BuiltNode | SpecError[]> {
  const base = `/spec/nodes/${node.index}/config`;
  const problems: Problem[] = [];
  const config = resolveEnvRefs(node.spec.config ?? {}, process.env, base, problems, env.validateOnly);
  // Resolved values are checked again: the loader could not check what the references stood for.
  if (!problems.length) problems.push(...checkSchema(node.def.configSchema, config, base));
  if (problems.length) return problems.map((p) => errorAt(plan.doc, p));
  const deps = new Set<string>();
  const abort = new AbortController();
  try {
    const instance = await node.def.create(config, makeContext(plan, node, env, deps, abort.signal));
    const depList = [...deps].sort();
    return {
      planned: node,
      instance,
      deps: depList,
      fingerprint: fingerprint(node, depList, env.docs),
      abort,
    };
  } catch (err) {
    const pointer = err instanceof ConfigError ? base + err.pointer : base;
    const hint = err instanceof ConfigError ? err.hint : undefined;
    return [errorAt(plan.doc, { pointer, message: `${node.def.type}: ${(err as Error).message}`, hint })];
  }
}

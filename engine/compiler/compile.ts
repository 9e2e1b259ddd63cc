/**
 * Compiles pipelines: plan the graph, then create every node's operator. All errors of all
 * documents are collected before anything runs. With `previous`, nodes whose fingerprint did not
 * change are reused as they run (that is how reload swaps only what changed).
 */
import type { SpecDoc } from '../api/index.ts';
import type { Registry } from '../registry/registry.ts';
import type { EngineEnv } from '../runtime/env.ts';
import type { SpecError } from '../spec/errors.ts';
import type { PipelineSpec } from '../spec/pipeline-kind.ts';
import { fingerprint, instantiate, type BuiltNode } from './instantiate.ts';
import { planPipeline, type Plan } from './plan.ts';

export interface CompiledPipeline {
  plan: Plan;
  /** Nodes created by this compile (all of them, or only the changed ones with `previous`). */
  fresh: Map<string, BuiltNode>;
}

export async function compilePipelines(
  docs: SpecDoc[],
  registry: Registry,
  env: EngineEnv,
  previous: Map<string, Map<string, BuiltNode>> = new Map(),
): Promise<{ pipelines: CompiledPipeline[]; errors: SpecError[] }> {
  const errors: SpecError[] = [];
  const pipelines: CompiledPipeline[] = [];
  for (const doc of docs.filter((d) => d.kind === 'Pipeline') as SpecDoc<PipelineSpec>[]) {
    const { plan, errors: planErrors } = planPipeline(doc, registry);
    errors.push(...planErrors);
    if (planErrors.length) continue;
    const old = previous.get(plan.name) ?? new Map<string, BuiltNode>();
    const fresh = new Map<string, BuiltNode>();
    for (const node of plan.nodes.values()) {
      const prev = old.get(node.id);
      if (prev && fingerprint(node, prev.deps, env.docs) === prev.fingerprint) continue;
      const built = await instantiate(plan, node, env);
      if (Array.isArray(built)) errors.push(...built);
      else fresh.set(node.id, built);
    }
    pipelines.push({ plan, fresh });
  }
  return { pipelines, errors };
}

/** Closes instances created by a compile that will not run (errors elsewhere, rollback). */
export async function discard(pipelines: CompiledPipeline[]): Promise<void> {
  for (const p of pipelines)
    for (const b of p.fresh.values())
      await (b.instance as { close?: () => Promise<void> }).close?.().catch(() => {});
}

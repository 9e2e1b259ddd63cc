/**
 * The engine: loads spec documents, compiles every pipeline in them, runs the graphs, drains them
 * on stop, and applies reloads (only what changed) or rejects them (keeping what runs).
 *
 * @example
 * const engine = await Engine.create({ registry, root });
 * const errors = await engine.load(['pipelines', 'policies']);
 * if (!errors.length) { await engine.start(); await engine.done(); }
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Metrics, SecretResolver, SpecDoc } from '../api/index.ts';
import { planPipeline } from '../compiler/plan.ts';
import type { PipelineSpec } from '../spec/pipeline-kind.ts';
import { compilePipelines, discard } from '../compiler/compile.ts';
import type { BuiltNode } from '../compiler/instantiate.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import type { Registry } from '../registry/registry.ts';
import type { SpecError } from '../spec/errors.ts';
import { loadPaths } from '../spec/load.ts';
import { DeadLetterFile } from './dead-letter.ts';
import { Backends, type BackendFactory, type EngineEnv } from './env.ts';
import { RunningGraph } from './graph.ts';
import { swap, type SwapStats } from './swap.ts';

export interface EngineOptions {
  registry: Registry;
  root?: string;
  lakeRoot?: string;
  backends?: Record<string, BackendFactory>;
  logger?: Logger;
  metrics?: Metrics;
  secrets?: SecretResolver;
}

export type ReloadResult =
  | { outcome: 'applied'; pipelines: Record<string, SwapStats> }
  | { outcome: 'invalid'; errors: SpecError[] }
  | { outcome: 'rolled back'; error: string };

/** Graph errors of pipelines that also have config errors, so one run reports everything. */
function structuralErrors(partial: SpecDoc[], registry: Registry): SpecError[] {
  return partial
    .filter((d) => d.kind === 'Pipeline')
    .flatMap((d) => planPipeline(d as SpecDoc<PipelineSpec>, registry).errors);
}

export class Engine {
  readonly graphs = new Map<string, RunningGraph>();
  private started = false;

  private constructor(
    readonly env: EngineEnv,
    readonly registry: Registry,
  ) {}

  static create(opts: EngineOptions): Engine {
    const root = opts.root ?? process.cwd();
    const backends = new Backends(opts.backends ?? {});
    const env: EngineEnv = {
      root,
      lakeRoot: opts.lakeRoot ?? join(root, 'lake'),
      stateRoot: join(root, '.argus', 'state'),
      logger: opts.logger ?? createLogger(),
      metrics: opts.metrics ?? createMetrics(),
      backends,
      // Secrets resolve through the `secrets` backend unless a resolver is given.
      secrets:
        opts.secrets ??
        ((path, key) =>
          backends.get<{ read(p: string, k: string): Promise<string> }>('secrets').read(path, key)),
      docs: [],
    };
    backends.bind(env);
    return new Engine(env, opts.registry);
  }

  get logger(): Logger {
    return this.env.logger;
  }

  /** Loads and compiles; returns every error (and builds nothing) if there is any. */
  async load(paths: string[]): Promise<SpecError[]> {
    const { docs, errors, partial } = loadPaths(paths, this.registry, this.env.root);
    if (errors.length) return [...errors, ...structuralErrors(partial, this.registry)];
    this.env.docs = docs;
    const compiled = await compilePipelines(docs, this.registry, this.env);
    if (compiled.errors.length) {
      await discard(compiled.pipelines);
      return compiled.errors;
    }
    for (const { plan, fresh } of compiled.pipelines) {
      const settings = plan.doc.spec.settings ?? {};
      const dlq = new DeadLetterFile(
        join(this.env.root, settings.dead_letter ?? join('.argus', 'dead-letter', `${plan.name}.jsonl`)),
      );
      this.graphs.set(plan.name, new RunningGraph(plan, fresh, this.env, settings.max_in_flight ?? 16, dlq));
    }
    return [];
  }

  async start(): Promise<void> {
    for (const g of this.graphs.values()) await g.start();
    this.started = true;
  }

  /** Resolves when every graph has completed (finite sources ended, or after `stop`). */
  async done(): Promise<void> {
    await Promise.all([...this.graphs.values()].map((g) => g.done()));
  }

  /** Graceful stop: sources stop pulling, in-flight batches drain, then everything closes. */
  async stop(): Promise<void> {
    for (const g of this.graphs.values()) g.stop();
    await this.done();
    for (const g of this.graphs.values()) await g.close();
    await this.env.backends.close();
  }

  get failures(): unknown[] {
    return [...this.graphs.values()].flatMap((g) => g.failures);
  }

  /** Re-reads `paths`; applies the change by swapping only changed nodes, or keeps running. */
  async reload(paths: string[]): Promise<ReloadResult> {
    const { docs, errors, partial } = loadPaths(paths, this.registry, this.env.root);
    if (errors.length)
      return { outcome: 'invalid', errors: [...errors, ...structuralErrors(partial, this.registry)] };
    const oldDocs = this.env.docs;
    this.env.docs = docs;
    const previous = new Map(
      [...this.graphs].map(([name, g]) => [
        name,
        new Map([...g.runs].map(([id, r]) => [id, r.built] as [string, BuiltNode])),
      ]),
    );
    const compiled = await compilePipelines(docs, this.registry, this.env, previous);
    if (compiled.errors.length) {
      this.env.docs = oldDocs;
      await discard(compiled.pipelines);
      return { outcome: 'invalid', errors: compiled.errors };
    }
    const stats: Record<string, SwapStats> = {};
    try {
      for (const { plan, fresh } of compiled.pipelines) {
        const graph = this.graphs.get(plan.name);
        if (!graph) {
          const settings = plan.doc.spec.settings ?? {};
          const g = new RunningGraph(
            plan,
            fresh,
            this.env,
            settings.max_in_flight ?? 16,
            new DeadLetterFile(join(this.env.root, '.argus', 'dead-letter', `${plan.name}.jsonl`)),
          );
          this.graphs.set(plan.name, g);
          if (this.started) await g.start();
          continue;
        }
        stats[plan.name] = await swap(graph, plan, fresh);
      }
    } catch (err) {
      this.env.docs = oldDocs;
      await discard(compiled.pipelines);
      return { outcome: 'rolled back', error: (err as Error).message };
    }
    for (const [name, g] of this.graphs) {
      if (compiled.pipelines.some((p) => p.plan.name === name)) continue;
      g.stop();
      await g.done();
      await g.close();
      this.graphs.delete(name);
    }
    return { outcome: 'applied', pipelines: stats };
  }
}

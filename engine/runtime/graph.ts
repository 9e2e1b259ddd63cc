/**
 * A running pipeline graph. Sources are pumped under an in-flight budget; every other node reads
 * from an {@link Inbox}; the router forks batches to all consumers of a port (acks retained) and
 * dead-letters what reaches no consumer. Completion propagates downstream once all of a node's
 * inputs completed, so `stop()` drains every in-flight batch. Reload swaps only changed nodes.
 */
import { concatMap, tap, type Subscription } from 'rxjs';
import type { Batch, Outcome, Sink, Source, Transform } from '../api/index.ts';
import { fork, rowCount, settle } from '../api/index.ts';
import type { BuiltNode } from '../compiler/instantiate.ts';
import type { Plan } from '../compiler/plan.ts';
import type { DeadLetterFile } from './dead-letter.ts';
import type { EngineEnv } from './env.ts';
import { Inbox } from './inbox.ts';
import { nodeMetrics, type NodeMetrics } from './node-metrics.ts';
import { nodeOperator, type ErrorRecord } from './node-operator.ts';
import { SourcePump } from './source-pump.ts';

export interface NodeRun {
  built: BuiltNode;
  inbox?: Inbox;
  pump?: SourcePump;
  sub?: Subscription;
  finished: Promise<void>;
  /** True while being replaced: its completion must not end its consumers. */
  swapping: boolean;
  upstreamDone: Set<string>;
}

export class RunningGraph {
  readonly runs = new Map<string, NodeRun>();
  private readonly metrics: NodeMetrics;
  readonly failures: unknown[] = [];

  constructor(
    public plan: Plan,
    built: Map<string, BuiltNode>,
    private readonly env: EngineEnv,
    private readonly maxInFlight: number,
    private readonly deadLetter: DeadLetterFile,
  ) {
    this.metrics = nodeMetrics(env.metrics);
    for (const [id, b] of built) this.runs.set(id, this.newRun(b));
  }

  private newRun(built: BuiltNode): NodeRun {
    const isSource = built.instance.kind === 'source';
    return {
      built,
      inbox: isSource ? undefined : new Inbox(),
      finished: Promise.resolve(),
      swapping: false,
      upstreamDone: new Set(),
    };
  }

  /** Starts sinks and sources (`start()` hooks), then runs every node. */
  async start(): Promise<void> {
    await startInstances([...this.runs.values()].map((r) => r.built));
    for (const run of this.runs.values()) if (run.inbox) this.runNode(run);
    for (const run of this.runs.values()) if (!run.inbox) this.runSource(run);
  }

  /** Resolves when every node finished (after the sources ended or `stop()`). */
  async done(): Promise<void> {
    for (;;) {
      const pending = [...this.runs.values()].map((r) => r.finished);
      await Promise.all(pending);
      const again = [...this.runs.values()].map((r) => r.finished);
      if (again.every((p, i) => p === pending[i])) break; // no node was swapped meanwhile
    }
    // Acknowledgements settle asynchronously (dead-letter writes): wait until every source is idle.
    await Promise.all([...this.runs.values()].map((r) => r.pump?.idle()));
  }

  /** Stops pulling from sources; in-flight batches drain and the graph completes. */
  stop(): void {
    for (const run of this.runs.values()) run.pump?.abort.abort();
  }

  async close(): Promise<void> {
    for (const run of this.runs.values()) {
      run.built.abort.abort();
      await (run.built.instance as { close?: () => Promise<void> }).close?.();
    }
  }

  /** Routes a batch from `from.port` to its consumers, or to the dead-letter store. */
  route(from: string, port: string, batch: Batch): void {
    const n = rowCount(batch);
    if (n === 0) return settle(batch, 'delivered');
    this.metrics.recordsOut.inc({ pipeline: this.plan.name, node: from, port }, n);
    if (port === 'error') this.metrics.errors.inc({ pipeline: this.plan.name, node: from }, n);
    const consumers = this.plan.consumers.get(`${from}.${port}`) ?? [];
    if (consumers.length === 0)
      return this.toDeadLetter(
        from,
        port,
        batch,
        port === 'error' ? undefined : `unconnected port ${from}.${port}`,
      );
    const shares = fork(batch, consumers.length);
    consumers.forEach((c, i) => {
      const run = this.runs.get(c);
      if (run?.inbox) run.inbox.push(shares[i]);
      else this.toDeadLetter(from, port, shares[i], `consumer ${c} is gone`);
    });
  }

  toDeadLetter(node: string, port: string, batch: Batch, reason?: string): void {
    const at = new Date().toISOString();
    const letters = batch.records.map((r) => {
      const e = r as Partial<ErrorRecord>;
      return reason === undefined && e.reason !== undefined
        ? {
            pipeline: this.plan.name,
            node: e.node ?? node,
            port,
            reason: e.reason,
            at: e.at ?? at,
            record: e.record ?? r,
          }
        : { pipeline: this.plan.name, node, port, reason: reason ?? 'error', at, record: r };
    });
    this.metrics.deadLetters.inc({ pipeline: this.plan.name, node, port }, letters.length);
    this.deadLetter.write(letters).then(
      () => settle(batch, 'rejected'),
      (err) => {
        this.env.logger.error({ err, node, port }, 'dead-letter write failed');
        settle(batch, 'errored');
      },
    );
  }

  runSource(run: NodeRun): void {
    const id = run.built.planned.id;
    const labels = { pipeline: this.plan.name, node: id };
    const pump = new SourcePump(id, run.built.instance as Source, this.maxInFlight, {
      emit: (batch, port) => this.route(id, port, batch),
      settled: (outcome: Outcome, _n, seconds) => {
        this.metrics.settled.inc({ ...labels, outcome });
        this.metrics.ackSeconds.observe(labels, seconds);
      },
      failed: (err) => this.fail(id, err),
    });
    run.pump = pump;
    pump.start();
    run.finished = pump.finished.then(() => {
      if (!run.swapping) this.completed(id);
    });
  }

  runNode(run: NodeRun): void {
    const id = run.built.planned.id;
    const labels = { pipeline: this.plan.name, node: id };
    const count = tap((b: Batch) => this.metrics.recordsIn.inc(labels, rowCount(b)));
    const inst = run.built.instance;
    run.finished = new Promise<void>((resolve) => {
      const done = () => {
        resolve();
        if (!run.swapping) this.completed(id);
      };
      const error = (err: unknown) => {
        this.fail(id, err);
        done();
      };
      if (inst.kind === 'sink') {
        run.sub = run
          .inbox!.stream.pipe(
            count,
            concatMap((b) => this.write(id, inst, b)),
          )
          .subscribe({ error, complete: done });
      } else {
        run.sub = run
          .inbox!.stream.pipe(count, nodeOperator(id, inst as Transform))
          .subscribe({ next: ({ port, batch }) => this.route(id, port, batch), error, complete: done });
      }
    });
  }

  private async write(id: string, sink: Sink, batch: Batch): Promise<void> {
    const t0 = performance.now();
    let outcome: Outcome;
    try {
      outcome = (await sink.write(batch)) ?? 'delivered';
    } catch (err) {
      outcome = 'errored';
      this.metrics.errors.inc({ pipeline: this.plan.name, node: id });
      this.env.logger.error(
        { err, pipeline: this.plan.name, node: id, records: rowCount(batch) },
        'sink write failed',
      );
    }
    this.metrics.batchSeconds.observe(
      { pipeline: this.plan.name, node: id },
      (performance.now() - t0) / 1000,
    );
    settle(batch, outcome);
  }

  /** A node ended: complete each consumer whose inputs have all ended. */
  private completed(id: string): void {
    for (const run of this.runs.values()) {
      const ups = new Set(run.built.planned.inputs.map((e) => e.from));
      if (!ups.has(id)) continue;
      run.upstreamDone.add(id);
      if ([...ups].every((u) => run.upstreamDone.has(u))) run.inbox?.complete();
    }
  }

  private fail(id: string, err: unknown): void {
    this.failures.push(err);
    this.env.logger.error({ err, pipeline: this.plan.name, node: id }, 'node failed');
  }
}

/** Runs `start()` of new sources and sinks; on failure closes those already started and rethrows. */
export async function startInstances(built: BuiltNode[]): Promise<void> {
  const started: BuiltNode[] = [];
  try {
    for (const b of built) {
      const inst = b.instance as Source | Sink;
      if (inst.kind === 'source' || inst.kind === 'sink') await inst.start?.();
      started.push(b);
    }
  } catch (err) {
    for (const b of started) await (b.instance as { close?: () => Promise<void> }).close?.().catch(() => {});
    throw new Error(`node "${built[started.length].planned.id}" failed to start: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

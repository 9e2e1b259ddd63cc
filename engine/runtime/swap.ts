/**
 * Swaps the changed nodes of a running graph for new ones, leaving every unchanged node (and its
 * state) running. Batches bound for a node being replaced wait in its inbox; the old incarnation
 * drains what it already had; the new one receives the waiting batches in order. Nothing is lost
 * or duplicated, and unchanged sources never stop.
 */
import type { BuiltNode } from '../compiler/instantiate.ts';
import type { Plan } from '../compiler/plan.ts';
import { startInstances, type RunningGraph } from './graph.ts';
import { Inbox } from './inbox.ts';

export interface SwapStats {
  changed: string[];
  added: string[];
  removed: string[];
  /** Batches that waited in inboxes during the swap, and their records. */
  heldBatches: number;
  heldRecords: number;
  millis: number;
}

export async function swap(
  graph: RunningGraph,
  plan: Plan,
  fresh: Map<string, BuiltNode>,
): Promise<SwapStats> {
  const t0 = performance.now();
  const removed = [...graph.runs.keys()].filter((id) => !plan.nodes.has(id));
  const changed = [...fresh.keys()].filter((id) => graph.runs.has(id));
  const added = [...fresh.keys()].filter((id) => !graph.runs.has(id));

  // New sources and sinks connect first: if one cannot start, the running graph is untouched.
  await startInstances([...fresh.values()]);

  const leaving = [...changed, ...removed].map((id) => graph.runs.get(id)!);
  for (const run of leaving) run.inbox?.hold();
  let heldBatches = 0;
  let heldRecords = 0;
  const countHeld = (inbox?: Inbox) => {
    const w = inbox?.waiting() ?? { batches: 0, records: 0 };
    heldBatches += w.batches;
    heldRecords += w.records;
  };

  // Old sources stop pulling; old transforms and sinks drain what they already received.
  for (const run of leaving) {
    run.swapping = true;
    if (run.pump) run.pump.abort.abort();
    else run.inbox!.renew();
  }
  await Promise.all(leaving.map((r) => r.finished));

  graph.plan = plan;
  for (const id of removed) {
    const run = graph.runs.get(id)!;
    graph.runs.delete(id);
    countHeld(run.inbox);
    for (const b of run.inbox?.takeHeld() ?? [])
      graph.toDeadLetter(id, 'in', b, `node ${id} was removed by a reload`);
    closeLater(run.built, run.pump?.idle());
  }
  for (const [id, built] of fresh) {
    const old = graph.runs.get(id);
    const inbox = built.instance.kind === 'source' ? undefined : (old?.inbox ?? new Inbox());
    if (old) closeLater(old.built, old.pump?.idle());
    const run = {
      built,
      inbox,
      finished: Promise.resolve(),
      swapping: false,
      upstreamDone: new Set<string>(),
    };
    graph.runs.set(id, run);
    if (inbox) graph.runNode(run);
  }
  for (const id of fresh.keys()) {
    const run = graph.runs.get(id)!;
    countHeld(run.inbox);
    run.inbox?.release();
  }
  for (const id of fresh.keys()) {
    const run = graph.runs.get(id)!;
    if (!run.inbox) graph.runSource(run);
  }
  return { changed, added, removed, heldBatches, heldRecords, millis: performance.now() - t0 };
}

/** Closes a replaced instance once its last emission settled (sources) or right away. */
function closeLater(built: BuiltNode, idle: Promise<void> = Promise.resolve()): void {
  void idle.then(async () => {
    built.abort.abort();
    await (built.instance as { close?: () => Promise<void> }).close?.();
  });
}

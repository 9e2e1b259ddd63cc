/**
 * Shares numbered tasks between the main thread and the pool's workers: whenever a worker has room
 * the next task goes to it, otherwise the main thread does the next one itself. So the main thread
 * never waits for a worker to start (it works alone until one says ready), and a lone task, or the
 * last one, is never shipped away while the main thread would sit idle (unless `offload` says the
 * caller has other work for it).
 *
 * Errors keep the sequential semantics: the error of the lowest-numbered failed task is thrown
 * (a sequential loop would have stopped there), after every task in flight has settled. A task
 * whose worker died ({@link WorkerLost}) is redone on the main thread.
 *
 * @example
 * const sizes = await shareTasks(files.length, pool, {
 *   local: (i) => encodeHere(files[i]),
 *   remote: (i) => ({ task: { op: 'encode', ... }, transfer }), // or undefined: do it locally
 *   receive: (i, result) => result,
 * });
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { TransferListItem } from 'node:worker_threads';
import { countOffloaded, WorkerLost, type DeltaPool } from './pool.ts';

export interface SharedTasks<R, W> {
  /** Does task `i` on the main thread. */
  local(i: number): R | Promise<R>;
  /** The message for a worker doing task `i`, or undefined to do it locally after all. */
  remote(i: number): { task: object; transfer: readonly TransferListItem[] } | undefined;
  /** Turns a worker's answer for task `i` into the task's result (runs on the main thread). */
  receive(i: number, answer: W): R;
  /** Tasks in flight per worker (default: the pool's); more when tasks wait on I/O (fsync). */
  depth?: number;
  /**
   * The caller has other work to overlap (it does not just await this call): a lone task, and the
   * last one, go to a ready worker too, so the main thread is free for that work meanwhile.
   */
  offload?: boolean;
}

/** Runs tasks `0..count-1`; resolves with their results in task order. */
export async function shareTasks<R, W>(count: number, pool: DeltaPool | undefined, t: SharedTasks<R, W>): Promise<R[]> {
  const results: R[] = new Array(count);
  const errors = new Map<number, unknown>();
  const inFlight: Promise<void>[] = [];
  let next = 0;
  let stop = false;
  const runLocal = async (i: number): Promise<void> => {
    try {
      results[i] = await t.local(i);
    } catch (e) {
      errors.set(i, e);
      stop = true;
    }
  };
  while (next < count && !stop) {
    const slot = pool && (t.offload || count - next > 1) ? pool.idle(t.depth) : undefined;
    const msg = slot ? t.remote(next) : undefined;
    const i = next++;
    if (slot && msg) {
      if (t.offload) countOffloaded();
      inFlight.push(
        (async () => {
          try {
            const answer = await pool!.run<W>(slot, msg.task, msg.transfer);
            results[i] = t.receive(i, answer);
          } catch (e) {
            if (e instanceof WorkerLost) await runLocal(i);
            else {
              errors.set(i, e);
              stop = true;
            }
          }
        })(),
      );
      continue;
    }
    await runLocal(i);
    // Let workers' answers and `ready` messages in between two local tasks.
    if (pool && next < count) await yieldToEvents();
  }
  await Promise.all(inFlight);
  if (errors.size) throw errors.get(Math.min(...errors.keys()));
  return results;
}

/**
 * A small pool of worker threads that encode and decode Delta data files, so that a large write or
 * full read uses more than one core (issue 3: delta-rs uses ~1.7 cores; one JS thread cannot keep up).
 *
 * Why it looks like this:
 * - Lazy: nothing starts until a write or read is large enough ({@link poolFor}); small appends and
 *   1-row commits never pay for a thread.
 * - Non-blocking start-up: a worker takes a few hundred ms to load our TypeScript through tsx, so
 *   callers never wait for one. The main thread works on its own share meanwhile and hands work only
 *   to workers that said `ready` (see schedule.ts).
 * - Workers are `unref()`ed while idle, so a CLI process exits when its work is done; a worker with
 *   a task in flight is ref'ed, so `await table.append(...)` at a top level keeps the process alive.
 * - A worker that dies (crash, `terminate`) rejects its tasks with {@link WorkerLost}; the scheduler
 *   redoes them on the main thread. A worker that cannot even start disables the pool for the
 *   process (one warning) and everything runs on the main thread as before.
 *
 * @example
 * const pool = poolFor(1_000_000); // undefined when too small or single-core
 * const w = pool?.idle();
 * if (w) await pool!.run(w, { op: 'encode', ... }, transferList);
 */
import { availableParallelism } from 'node:os';
import { Worker, type TransferListItem } from 'node:worker_threads';
import { reviveError, type SentError } from './errors.ts';
import { mirrorStrings } from './transport.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** A task's worker died before answering: redo the task elsewhere. */
export class WorkerLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerLost';
  }
}

/** Pool settings; see {@link configureDeltaPool}. */
export interface DeltaPoolOptions {
  /**
   * Worker threads (default: available cores − 1, since the main thread works too; 0 disables the
   * pool). `ARGUS_DELTA_WORKERS` overrides the default.
   */
  workers: number;
  /** A write/read of at least this many rows uses workers that are already running (default 20,000). */
  minRows: number;
  /** A write/read of at least this many rows starts the workers (default 100,000). */
  startRows: number;
  /** Tasks in flight per worker (default 2: one running, one queued, so a worker never waits for the next). */
  depth: number;
  /**
   * Full reads use workers too (default false; `ARGUS_DELTA_POOL_READS=1` turns it on). Most of a
   * read's main-thread time is materialising the values, which only the main thread can do, and a
   * worker's answer must be unpacked there too: on 2 cores the main thread alone read 1M Gold rows
   * faster and with ~30% less CPU than with a worker (`npm run bench -- delta`, docs/delta.md).
   */
  reads: boolean;
  /**
   * An offloaded call ({@link poolFor} with `offload`) of fewer rows than this stays on the main
   * thread (default 2,000): below it, packing and unpacking for a worker cost about what decoding
   * or encoding the file costs.
   */
  offloadRows: number;
}

function defaults(): DeltaPoolOptions {
  const env = process.env.ARGUS_DELTA_WORKERS;
  const workers = env !== undefined && env !== '' ? Math.max(0, Math.floor(Number(env)) || 0) : Math.max(0, availableParallelism() - 1);
  const r = process.env.ARGUS_DELTA_POOL_READS;
  return { workers, minRows: 20_000, startRows: 100_000, depth: 2, reads: r === '1', offloadRows: 2_000 };
}

let options: DeltaPoolOptions = defaults();
let shared: DeltaPool | undefined;

/**
 * Changes the pool settings (tests, benchmarks). A changed worker count replaces the pool (the old
 * one's threads are terminated once idle).
 * @example configureDeltaPool({ workers: 0 }); // everything on the main thread
 */
export function configureDeltaPool(o: Partial<DeltaPoolOptions>): DeltaPoolOptions {
  const next = { ...options, ...o };
  if (shared && next.workers !== options.workers) {
    void shared.close();
    shared = undefined;
  }
  options = next;
  return { ...options };
}

/** Current settings and the shared pool's state (for tests and diagnostics). */
export function deltaPoolStats(): DeltaPoolOptions & { started: number; ready: number; failed?: string; tasks: number; lost: number; offloaded: number } {
  return { ...options, started: shared?.size() ?? 0, ready: shared?.readyCount() ?? 0, failed: shared?.failure?.message, ...counts };
}

/**
 * Tasks sent to workers, tasks lost with a worker (redone on the main thread), and tasks of
 * offloaded calls sent to workers, in this process.
 */
const counts = { tasks: 0, lost: 0, offloaded: 0 };

/**
 * The shared pool when `rows` are worth sharing: undefined below `minRows`, without workers, for
 * a read unless `reads`, or when the pool failed to start. Starts the workers (without waiting) at
 * `startRows` or more.
 *
 * `offload`: the caller has other work to overlap (a source reading ahead, a sink writing while the
 * chain runs), so even a lone small file is worth a worker: the pool is used (and started, without
 * waiting) from `offloadRows` on, whatever `minRows`, `startRows` and `reads` say.
 * @example const pool = poolFor(5_400, 'read', true); // a Bronze day read ahead
 */
export function poolFor(rows: number, use: 'write' | 'read' = 'write', offload = false): DeltaPool | undefined {
  const worth = offload ? rows >= options.offloadRows : rows >= options.minRows && (use === 'write' || options.reads);
  if (options.workers <= 0 || !worth) return undefined;
  const starts = offload || rows >= options.startRows;
  if (!shared) {
    if (!starts) return undefined;
    shared = new DeltaPool(options.workers, options.depth);
  }
  if (shared.failure) return undefined;
  if (starts) shared.start();
  return shared;
}

/** Counts a task of an offloaded call that went to a worker (see {@link deltaPoolStats}). */
export function countOffloaded(): void {
  counts.offloaded++;
}

/**
 * Starts the shared pool whatever the sizes and resolves once every worker is ready (or the pool
 * failed): the number of ready workers. For benchmarks that time a warm process, and tests.
 * @example await startDeltaPool(); // later large writes use the workers from their first file
 */
export async function startDeltaPool(): Promise<number> {
  if (options.workers <= 0) return 0;
  shared ??= new DeltaPool(options.workers, options.depth);
  shared.start();
  await shared.ready();
  return shared.readyCount();
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** One worker thread and its tasks in flight. */
export class Slot {
  ready = false;
  dead = false;
  /** Mirror of the worker's string table (transport.ts StringTable). */
  strings: string[] = [];
  readonly pending = new Map<number, Pending>();
  constructor(readonly worker: Worker) {}
}

export class DeltaPool {
  private slots: Slot[] = [];
  private seq = 0;
  private startFailed?: Error;
  private listeners: (() => void)[] = [];

  constructor(
    readonly workers: number,
    readonly depth: number,
  ) {}

  /** Set when no worker could start: the pool is unusable for this process. */
  get failure(): Error | undefined {
    return this.startFailed;
  }

  size(): number {
    return this.slots.length;
  }

  readyCount(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** Starts missing workers (returns at once; they report `ready` later). */
  start(): void {
    while (!this.startFailed && this.slots.length < this.workers) this.spawn();
  }

  private spawn(): void {
    let w: Worker;
    try {
      // Started from code, not a file: a worker inherits its parent's Node options, and with
      // `--input-type` (from `node -e`) a file entry is refused. A dynamic import works either way.
      w = new Worker(`import(${JSON.stringify(ENTRY.href)})`, { eval: true });
    } catch (e) {
      this.disable(e as Error);
      return;
    }
    const slot = new Slot(w);
    w.unref();
    w.on('message', (m: { type?: string; id?: number; result?: unknown; error?: SentError }) => {
      if (m.type === 'ready') {
        slot.ready = true;
        this.notify();
        return;
      }
      const p = slot.pending.get(m.id!);
      if (!p) return;
      slot.pending.delete(m.id!);
      if (!slot.pending.size) w.unref();
      if (m.error) p.reject(reviveError(m.error));
      else {
        // Answers arrive in the order the worker posted them: its string table's additions are
        // applied here, before anything else runs, and the answer keeps the mirror it refers to.
        const r = m.result as { cols?: unknown; strings?: { reset: boolean; fresh: string[] }; table?: string[] } | undefined;
        if (r && Array.isArray(r.cols)) r.table = slot.strings = mirrorStrings(slot.strings, r.strings);
        p.resolve(m.result);
      }
    });
    w.on('error', (e) => this.lose(slot, e));
    w.on('exit', (code) => this.lose(slot, new Error(`delta worker exited with code ${code}`)));
    this.slots.push(slot);
  }

  private lose(slot: Slot, e: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    this.slots = this.slots.filter((s) => s !== slot);
    // Never ready: it cannot load (e.g. tsx missing). Do not keep spawning threads that fail.
    if (!slot.ready) this.disable(e);
    slot.ready = false;
    counts.lost += slot.pending.size;
    for (const p of slot.pending.values()) p.reject(new WorkerLost(`delta worker lost: ${e.message}`));
    slot.pending.clear();
    this.notify();
  }

  private notify(): void {
    const ls = this.listeners;
    this.listeners = [];
    for (const l of ls) l();
  }

  /** Resolves when every started worker is ready or gone (at once if none is starting). */
  async ready(): Promise<void> {
    // Ref'ed while waited for: an unref'ed thread would not keep `await startDeltaPool()` alive.
    for (let starting = this.slots.filter((s) => !s.ready); starting.length; starting = this.slots.filter((s) => !s.ready)) {
      for (const s of starting) s.worker.ref();
      await new Promise<void>((r) => this.listeners.push(r));
      for (const s of starting) if (!s.pending.size) s.worker.unref();
    }
  }

  private disable(e: Error): void {
    if (this.startFailed) return;
    this.startFailed = e;
    process.emitWarning(`Delta worker pool disabled, encoding on the main thread only: ${e.message}`, 'ArgusDeltaPool');
  }

  /** A ready worker with fewer than `depth` tasks in flight (the least loaded), or undefined. */
  idle(depth = this.depth): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.ready && s.pending.size < depth && (!best || s.pending.size < best.pending.size)) best = s;
    return best;
  }

  /**
   * Runs a task on `slot`: `transfer` lists buffers moved (not copied) to the worker. Rejects with
   * the task's own error (same class and message), or {@link WorkerLost} if the worker died.
   */
  run<R>(slot: Slot, task: object, transfer: readonly TransferListItem[] = []): Promise<R> {
    const id = ++this.seq;
    counts.tasks++;
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.ref();
      try {
        slot.worker.postMessage({ id, task }, transfer as never);
      } catch (e) {
        slot.pending.delete(id);
        if (!slot.pending.size) slot.worker.unref();
        reject(e);
      }
    });
  }

  /** Terminates every worker (pending tasks fail with {@link WorkerLost}). */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

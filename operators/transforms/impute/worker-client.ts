/**
 * Supervises the Prophet worker (`worker.py`, run by the project venv's python): starts it on first
 * use, reuses it across requests, sends one JSON-lines request at a time, and restarts it when it
 * crashes or hangs mid-request, re-sending the same request (up to `maxAttempts`), so a crash never
 * loses a batch. When the worker cannot start (no venv, prophet not installed) it is marked
 * unavailable for `cooldownMs` and callers fall back to the native models without waiting.
 *
 * @example
 * const w = new ProphetWorker({ python: '.argus/venv/bin/python', logger });
 * const results = await w.forecast([{ id: 'a', ds: ['2024-01-02', ...], y: [...], future: ['2024-03-05'], params: {} }], 0.8);
 * await w.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

export const WORKER_SCRIPT = fileURLToPath(new URL('./worker.py', import.meta.url));

export interface WireSeries {
  id: string;
  ds: string[];
  y: number[];
  future: string[];
  params: Record<string, unknown>;
}

export type WireResult =
  { id: string; yhat: number[]; lower: number[]; upper: number[] } | { id: string; error: string };

export interface WorkerOptions {
  python: string;
  script?: string;
  logger: Logger;
  /** Time for the worker to import Prophet and say `ready`. */
  startTimeoutMs?: number;
  /** Per request: `base + perSeries × series`; past it the worker is killed and the request retried. */
  timeout?: { baseMs: number; perSeriesMs: number };
  /** Attempts per request (a crash or timeout costs one attempt). */
  maxAttempts?: number;
  /** Pause before attempt n+1 is n × this. */
  restartDelayMs?: number;
  /** After a failed start, how long to answer "unavailable" before trying to start again. */
  cooldownMs?: number;
}

/** The worker could not serve the request (not installed, cannot start, or crashed on every attempt). */
export class WorkerUnavailableError extends Error {
  override name = 'WorkerUnavailableError';
}

class WorkerCrash extends Error {}

interface InFlight {
  id: number;
  resolve: (r: WireResult[]) => void;
  reject: (e: Error) => void;
}

export class ProphetWorker extends EventEmitter {
  private proc?: ChildProcess;
  private starting?: Promise<void>;
  private inflight?: InFlight;
  private chain: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private unavailableUntil = 0;
  private lastStartError = '';
  private stderrTail: string[] = [];
  private closed = false;
  /** Restarts after a crash or hang (not counting the first start). */
  restarts = 0;
  versions: Record<string, unknown> = {};

  constructor(private readonly opts: WorkerOptions) {
    super();
  }

  /** Pid of the running worker process, if any. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Forecasts a batch of series; requests are served one at a time in call order. */
  forecast(series: WireSeries[], intervalWidth: number): Promise<WireResult[]> {
    const run = this.chain.then(() => this.withRetries(series, intervalWidth));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async withRetries(series: WireSeries[], intervalWidth: number): Promise<WireResult[]> {
    const attempts = this.opts.maxAttempts ?? 3;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.closed) throw new WorkerUnavailableError('the Prophet worker was closed');
      await this.start();
      try {
        return await this.request(series, intervalWidth);
      } catch (err) {
        if (!(err instanceof WorkerCrash)) throw err;
        last = err.message;
        this.restarts++;
        this.opts.logger.warn(
          { attempt, attempts, reason: last, series: series.length },
          'Prophet worker failed mid-request; restarting it and retrying the request',
        );
        this.emit('restart', { attempt, reason: last });
        await delay((this.opts.restartDelayMs ?? 200) * attempt);
      }
    }
    throw new WorkerUnavailableError(
      `Prophet worker failed ${attempts} attempts for a request of ${series.length} series (last: ${last})`,
    );
  }

  /** Starts the worker unless it runs; throws WorkerUnavailableError if it cannot. */
  private async start(): Promise<void> {
    if (this.proc && !this.starting) return;
    if (Date.now() < this.unavailableUntil)
      throw new WorkerUnavailableError(`Prophet worker unavailable (${this.lastStartError})`);
    this.starting ??= this.spawnWorker().finally(() => (this.starting = undefined));
    try {
      await this.starting;
    } catch (err) {
      this.lastStartError = err instanceof Error ? err.message : String(err);
      this.unavailableUntil = Date.now() + (this.opts.cooldownMs ?? 60_000);
      throw new WorkerUnavailableError(`Prophet worker unavailable: ${this.lastStartError}`);
    }
  }

  private spawnWorker(): Promise<void> {
    const { python, logger } = this.opts;
    const script = this.opts.script ?? WORKER_SCRIPT;
    return new Promise<void>((resolve, reject) => {
      // A minimal environment: the worker needs no secret the engine holds.
      const env: NodeJS.ProcessEnv = { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' };
      for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'])
        if (process.env[k] !== undefined) env[k] = process.env[k];
      let proc: ChildProcess;
      try {
        proc = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'], env });
      } catch (err) {
        reject(new Error(`cannot run ${python}: ${(err as Error).message}`));
        return;
      }
      this.proc = proc;
      this.stderrTail = [];
      let ready = false;
      const timer = setTimeout(() => {
        if (ready) return;
        proc.kill('SIGKILL');
        reject(new Error(`worker did not become ready within ${this.opts.startTimeoutMs ?? 60_000} ms`));
      }, this.opts.startTimeoutMs ?? 60_000);
      // A write to a worker that just died fails with EPIPE; its exit handler reports the crash.
      proc.stdin!.on('error', (err) =>
        logger.debug({ worker: proc.pid, err: err.message }, 'prophet worker stdin error'),
      );
      createInterface({ input: proc.stderr! }).on('line', (line) => {
        this.stderrTail.push(line);
        if (this.stderrTail.length > 20) this.stderrTail.shift();
        logger.debug({ worker: proc.pid, line }, 'prophet worker stderr');
      });
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        let msg: { type?: string; id?: number; [k: string]: unknown };
        try {
          msg = JSON.parse(line);
        } catch {
          logger.warn(
            { worker: proc.pid, line: line.slice(0, 200) },
            'prophet worker wrote a non-protocol line',
          );
          return;
        }
        if (msg.type === 'ready') {
          ready = true;
          clearTimeout(timer);
          this.versions = (msg.versions as Record<string, unknown>) ?? {};
          logger.info({ worker: proc.pid, versions: this.versions }, 'prophet worker ready');
          this.emit('start', { pid: proc.pid, versions: this.versions });
          resolve();
        } else if (msg.type === 'progress')
          this.emit('progress', { pid: proc.pid, id: msg.id, done: msg.done, total: msg.total });
        else if ((msg.type === 'result' || msg.type === 'error') && this.inflight?.id === msg.id) {
          const f = this.inflight!;
          this.inflight = undefined;
          if (msg.type === 'result') f.resolve(msg.results as WireResult[]);
          else f.reject(new Error(`Prophet worker refused the request: ${String(msg.error)}`));
        }
      });
      proc.on('error', (err) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`cannot run ${python}: ${err.message}`));
      });
      proc.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.proc === proc) this.proc = undefined;
        const why = `worker exited (code ${code}, signal ${signal})`;
        if (!ready)
          reject(
            new Error(`${why} before it was ready: ${this.stderrTail.slice(-3).join(' | ') || 'no output'}`),
          );
        const f = this.inflight;
        if (f) {
          this.inflight = undefined;
          f.reject(new WorkerCrash(`${why} mid-request`));
        }
        this.emit('exit', { pid: proc.pid, code, signal });
      });
    });
  }

  private request(series: WireSeries[], intervalWidth: number): Promise<WireResult[]> {
    const proc = this.proc;
    if (!proc) return Promise.reject(new WorkerCrash('worker not running'));
    const id = this.nextId++;
    const t = this.opts.timeout ?? { baseMs: 30_000, perSeriesMs: 5_000 };
    const ms = t.baseMs + t.perSeriesMs * series.length;
    return new Promise<WireResult[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A hung worker is killed; its exit rejects the request as a crash, which is retried.
        this.opts.logger.warn(
          { worker: proc.pid, ms },
          'Prophet worker request timed out; killing the worker',
        );
        proc.kill('SIGKILL');
      }, ms);
      const done =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          fn(v);
        };
      this.inflight = { id, resolve: done(resolve), reject: done(reject) };
      proc.stdin!.write(
        JSON.stringify({ id, op: 'forecast', interval_width: intervalWidth, series }) + '\n',
        (err) => {
          if (err && this.inflight?.id === id) {
            this.inflight = undefined;
            clearTimeout(timer);
            reject(new WorkerCrash(`cannot write to the worker: ${err.message}`));
          }
        },
      );
    });
  }

  /** Asks the worker to exit, then kills it if it lingers. */
  async close(): Promise<void> {
    this.closed = true;
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.stdin?.write(JSON.stringify({ op: 'shutdown' }) + '\n', () => undefined);
    proc.stdin?.end();
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

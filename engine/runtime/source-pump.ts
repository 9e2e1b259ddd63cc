/**
 * Pulls a source under an in-flight budget: the next emission is read only once fewer than
 * `maxInFlight` earlier ones are unacknowledged. A slow sink therefore slows the source and memory
 * stays bounded. Each emission gets an {@link Ack} that reports back to the source when settled.
 */
import { randomUUID } from 'node:crypto';
import type { Batch, Emission, Outcome, Source } from '../api/index.ts';
import { Ack, tableBatch } from '../api/index.ts';
import { Semaphore } from './semaphore.ts';

export interface PumpHooks {
  emit(batch: Batch, port: string): void;
  settled(outcome: Outcome, records: number, seconds: number): void;
  failed(err: unknown): void;
}

export class SourcePump {
  private readonly sem: Semaphore;
  private inflight = 0;
  private idleWaiters: (() => void)[] = [];
  readonly abort = new AbortController();
  finished: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly source: Source,
    maxInFlight: number,
    private readonly hooks: PumpHooks,
  ) {
    this.sem = new Semaphore(maxInFlight);
  }

  start(): void {
    this.finished = this.loop().catch((err) => this.hooks.failed(err));
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    const it = this.source.read(signal)[Symbol.asyncIterator]();
    try {
      for (;;) {
        await this.sem.acquire();
        if (signal.aborted) break;
        const next = await it.next();
        if (next.done || signal.aborted) {
          if (!next.done) this.dispatch(next.value); // already read: deliver it rather than lose it
          break;
        }
        this.dispatch(next.value);
      }
    } finally {
      this.sem.release();
      await it.return?.();
    }
  }

  private dispatch(e: Emission): void {
    const t0 = performance.now();
    this.inflight++;
    const count = e.table ? e.table.numRows() : e.records.length;
    // Only the callback is kept until the batch settles, not the emission: its records or table
    // would otherwise stay alive for as long as the batch is in flight.
    const settled = e.settled;
    const ack = new Ack((outcome) => {
      this.inflight--;
      this.sem.release();
      try {
        settled?.(outcome);
      } finally {
        this.hooks.settled(outcome, count, (performance.now() - t0) / 1000);
        if (this.inflight === 0) this.idleWaiters.splice(0).forEach((w) => w());
      }
    });
    const meta = { traceId: randomUUID(), ...e.meta, source: this.id };
    this.hooks.emit(
      e.table ? tableBatch(e.table, meta, [ack]) : { records: e.records, meta, acks: [ack] },
      e.port ?? 'out',
    );
  }

  /** Resolves when every emission so far has been settled. */
  idle(): Promise<void> {
    return this.inflight === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  get inFlight(): number {
    return this.inflight;
  }
}

/**
 * The input of a node. Upstream nodes push batches into it; it can hold them (while the node is
 * being swapped by a reload) and release them, in order, to the node's next incarnation.
 */
import { Subject } from 'rxjs';
import type { Batch } from '../api/index.ts';
import { rowCount } from '../api/index.ts';

export class Inbox {
  private subject = new Subject<Batch>();
  private held: Batch[] | null = null;

  get stream(): Subject<Batch> {
    return this.subject;
  }

  push(batch: Batch): void {
    if (this.held) this.held.push(batch);
    else this.subject.next(batch);
  }

  hold(): void {
    this.held ??= [];
  }

  /** Ends the current stream (the node drains) and opens a fresh one for the next incarnation. */
  renew(): Subject<Batch> {
    const old = this.subject;
    this.subject = new Subject<Batch>();
    old.complete();
    return this.subject;
  }

  /** What is waiting now: batches and their records. */
  waiting(): { batches: number; records: number } {
    const h = this.held ?? [];
    return { batches: h.length, records: h.reduce((n, b) => n + rowCount(b), 0) };
  }

  /** Removes and returns what was held (for a node that goes away). */
  takeHeld(): Batch[] {
    const h = this.held ?? [];
    this.held = null;
    return h;
  }

  /** Delivers what was held; returns how many batches had waited. */
  release(): number {
    const held = this.held ?? [];
    this.held = null;
    for (const b of held) this.subject.next(b);
    return held.length;
  }

  complete(): void {
    this.subject.complete();
  }
}

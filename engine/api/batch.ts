/**
 * Batches and acknowledgements.
 *
 * Data moves in batches. Every batch carries the acknowledgement tokens of the source emissions
 * it came from; a sink resolves them only when the data is durable, and only then does a source
 * commit (e.g. Kafka offsets). Tokens are reference counted so that fan-out, splits and merges
 * need no special care in operators: use {@link derive}, {@link merge} and {@link settle}.
 */

/** One record: a plain object. Treat records as immutable; build new ones instead of mutating. */
export type Rec = Record<string, unknown>;

/**
 * How a batch ended.
 * - `delivered`: durable downstream (or intentionally dropped, e.g. by a filter);
 * - `rejected`: permanently refused and recorded in a dead-letter store (a source may commit);
 * - `errored`: a transient failure, not durable (a source must redeliver).
 */
export type Outcome = 'delivered' | 'rejected' | 'errored';

const severity: Record<Outcome, number> = { delivered: 0, rejected: 1, errored: 2 };

/** Metadata carried with a batch through the graph. */
export interface Meta {
  /** Trace id of the emission this batch descends from. */
  traceId?: string;
  /** Id of the source node that emitted the batch. */
  source?: string;
  /** Source positions, e.g. Kafka `{topic, partition, from, to}` ranges for exactly-once sinks. */
  offsets?: readonly Offset[];
  /** Free-form attributes set by operators (dataset, trade_date, verdicts, ...). */
  [key: string]: unknown;
}

export interface Offset {
  topic: string;
  partition: number;
  /** First offset in the batch (inclusive). */
  from: string;
  /** Last offset in the batch (inclusive). */
  to: string;
}

/**
 * A reference-counted acknowledgement token for one source emission. It settles once, with the
 * worst outcome reported by the holders, when the last holder releases it.
 */
export class Ack {
  private holders = 1;
  private worst: Outcome = 'delivered';
  private done = false;

  constructor(private readonly onSettled: (outcome: Outcome) => void) {}

  /** Adds `n` holders (used when a batch is delivered to several consumers). */
  retain(n = 1): void {
    if (this.done) throw new Error('Ack.retain after the token settled');
    this.holders += n;
  }

  /** Releases one holder with its outcome. */
  release(outcome: Outcome): void {
    if (this.done) throw new Error('Ack.release after the token settled');
    if (severity[outcome] > severity[this.worst]) this.worst = outcome;
    if (--this.holders === 0) {
      this.done = true;
      this.onSettled(this.worst);
    }
  }

  get settled(): boolean {
    return this.done;
  }
}

/** A batch of records with its metadata and the acknowledgement tokens it is responsible for. */
export interface Batch {
  readonly records: readonly Rec[];
  readonly meta: Meta;
  readonly acks: readonly Ack[];
}

/**
 * A new batch that takes over `from`'s responsibility: do not settle `from` afterwards.
 * @example
 * const doubled = derive(batch, batch.records.map((r) => ({ ...r, x: Number(r.x) * 2 })));
 */
export function derive(from: Batch, records: readonly Rec[], meta: Meta = from.meta): Batch {
  return { records, meta, acks: from.acks };
}

/**
 * One batch responsible for all of `batches` (for windows and joins). Meta of the first wins
 * unless given; offsets are concatenated.
 */
export function merge(batches: readonly Batch[], meta?: Meta): Batch {
  const records = batches.flatMap((b) => b.records);
  const acks = batches.flatMap((b) => b.acks);
  const offsets = batches.flatMap((b) => b.meta.offsets ?? []);
  const base = meta ?? { ...(batches[0]?.meta ?? {}), ...(offsets.length ? { offsets } : {}) };
  return { records, meta: base, acks };
}

/** `n` batches sharing `batch`'s responsibility; each must be settled (or passed on) by its holder. */
export function fork(batch: Batch, n: number): Batch[] {
  if (n <= 0) return [];
  for (const ack of batch.acks) if (n > 1) ack.retain(n - 1);
  return Array.from({ length: n }, () => ({ records: batch.records, meta: batch.meta, acks: batch.acks }));
}

/** Settles a batch: releases each of its tokens once. */
export function settle(batch: Batch, outcome: Outcome): void {
  for (const ack of batch.acks) ack.release(outcome);
}

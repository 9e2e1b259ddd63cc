import { table as aqTable, type ColumnTable } from 'arquero';

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

/**
 * A batch of records with its metadata and the acknowledgement tokens it is responsible for.
 *
 * A batch may also carry its rows as columns (`table`, an Arquero table, built by
 * {@link tableBatch}): column-wise operators read and emit tables and never build a record;
 * `records` is then materialised from the table only when a row-wise consumer asks for it.
 */
export interface Batch {
  readonly records: readonly Rec[];
  readonly meta: Meta;
  readonly acks: readonly Ack[];
  /** The same rows as columns, when the producer built them column-wise (see {@link columnsOf}). */
  readonly table?: ColumnTable;
}

// Records materialised from a table, shared by every batch over that (immutable) table.
const rowsOfTable = new WeakMap<ColumnTable, Rec[]>();

function rowsOf(table: ColumnTable): Rec[] {
  let rows = rowsOfTable.get(table);
  if (!rows) rowsOfTable.set(table, (rows = table.objects() as Rec[]));
  return rows;
}

/**
 * A batch over a column table (unfiltered, unordered: it is reified if not). `records` is lazy.
 * `table` is not enumerable, so `{...batch, records}` yields a plain record batch, never a batch
 * whose table and records disagree.
 * @example
 * const out = tableBatch(input.table!.assign({ hfq_close: closes }), input.meta, input.acks);
 */
export function tableBatch(table: ColumnTable, meta: Meta, acks: readonly Ack[]): Batch {
  const t = table.isFiltered() || table.isOrdered() ? table.reify() : table;
  const batch = {
    meta,
    acks,
    get records(): readonly Rec[] {
      return rowsOf(t);
    },
  };
  Object.defineProperty(batch, 'records', { enumerable: true });
  Object.defineProperty(batch, 'table', { value: t, enumerable: false });
  return batch as Batch;
}

/**
 * The batch's rows as columns: its own table, or one built from its records (and remembered).
 * Columns hold the record values as they are (`null` for missing; a key absent from a record is
 * `undefined` in its column).
 * @example const closes = columnsOf(batch).column('close');
 */
export function columnsOf(batch: Batch): ColumnTable {
  if (batch.table) return batch.table;
  let t = tableOfRows.get(batch.records);
  if (!t) tableOfRows.set(batch.records, (t = tableFromRecords(batch.records)));
  return t;
}

const tableOfRows = new WeakMap<readonly Rec[], ColumnTable>();

/** A column table from records: the union of their keys, in first-seen order. */
export function tableFromRecords(records: readonly Rec[]): ColumnTable {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records)
    for (const k in r)
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
  const cols: Record<string, unknown[]> = {};
  const n = records.length;
  for (const k of names) {
    const col = new Array<unknown>(n);
    for (let i = 0; i < n; i++) col[i] = records[i][k];
    cols[k] = col;
  }
  return aqTable(cols);
}

/**
 * A column's values as an indexable array (Arquero types columns loosely); `undefined` when the
 * table has no such column.
 * @example const close = column<number | null>(t, 'close'); for (let i = 0; i < close.length; i++) ...
 */
export function column<T = unknown>(table: ColumnTable, name: string): ArrayLike<T> | undefined {
  return table.column(name) as unknown as ArrayLike<T> | undefined;
}

/** Number of rows, without materialising records of a column batch. */
export function rowCount(batch: Batch): number {
  return batch.table ? batch.table.numRows() : batch.records.length;
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
 * Like {@link derive}, for column-wise operators: a batch over `table` that takes over `from`'s
 * responsibility.
 * @example const scored = deriveTable(batch, columnsOf(batch).assign({ score: scores }));
 */
export function deriveTable(from: Batch, table: ColumnTable, meta: Meta = from.meta): Batch {
  return tableBatch(table, meta, from.acks);
}

/**
 * One batch responsible for all of `batches` (for windows and joins). Meta of the first wins
 * unless given; offsets are concatenated.
 */
export function merge(batches: readonly Batch[], meta?: Meta): Batch {
  const acks = batches.flatMap((b) => b.acks);
  const offsets = batches.flatMap((b) => b.meta.offsets ?? []);
  const base = meta ?? { ...(batches[0]?.meta ?? {}), ...(offsets.length ? { offsets } : {}) };
  const tables = batches.map((b) => b.table);
  if (tables.length && tables.every((t) => t !== undefined))
    return tableBatch(concatTables(tables as ColumnTable[]), base, acks);
  return { records: batches.flatMap((b) => b.records), meta: base, acks };
}

/**
 * Concatenates tables; the result has the union of their columns (first-seen order), a column
 * missing from a table is `undefined` there, and typed columns of one type everywhere stay typed.
 */
export function concatTables(tables: readonly ColumnTable[]): ColumnTable {
  if (tables.length === 1) return tables[0];
  const n = tables.reduce((s, t) => s + t.numRows(), 0);
  const names = [...new Set(tables.flatMap((t) => t.columnNames()))];
  const cols: Record<string, ArrayLike<unknown>> = {};
  for (const name of names) {
    const parts = tables.map((t) => t.column(name) as unknown as ArrayLike<unknown> | undefined);
    const first = parts[0];
    const typed =
      !!first && ArrayBuffer.isView(first) && parts.every((p) => p?.constructor === first.constructor);
    const out: unknown[] | Float64Array = typed
      ? new (first.constructor as Float64ArrayConstructor)(n)
      : new Array<unknown>(n);
    let o = 0;
    tables.forEach((t, k) => {
      const p = parts[k];
      const len = t.numRows();
      if (typed) (out as Float64Array).set(p as Float64Array, o);
      else for (let i = 0; i < len; i++) (out as unknown[])[o + i] = p ? p[i] : undefined;
      o += len;
    });
    cols[name] = out;
  }
  return aqTable(cols as Record<string, unknown[]>);
}

/**
 * A table of some rows of another, by index (repeats allowed): each column gathered once with a
 * plain loop, typed columns stay typed. Arquero's `reify(indices)` does the same through a callback
 * per value, several times slower on wide tables.
 * @example takeRows(t, [0, 2]) // rows 0 and 2 of t, every column
 */
export function takeRows(t: ColumnTable, rows: ArrayLike<number>): ColumnTable {
  const m = rows.length;
  const cols: Record<string, ArrayLike<unknown>> = {};
  for (const name of t.columnNames()) {
    const from = t.column(name) as unknown as ArrayLike<unknown>;
    const to = ArrayBuffer.isView(from)
      ? new (from.constructor as new (n: number) => { [i: number]: unknown; length: number })(m)
      : new Array<unknown>(m);
    for (let k = 0; k < m; k++) to[k] = from[rows[k]];
    cols[name] = to as ArrayLike<unknown>;
  }
  return aqTable(cols as Record<string, unknown[]>);
}

/** `n` batches sharing `batch`'s responsibility; each must be settled (or passed on) by its holder. */
export function fork(batch: Batch, n: number): Batch[] {
  if (n <= 0) return [];
  for (const ack of batch.acks) if (n > 1) ack.retain(n - 1);
  const { table } = batch;
  return Array.from({ length: n }, () =>
    table
      ? tableBatch(table, batch.meta, batch.acks)
      : { records: batch.records, meta: batch.meta, acks: batch.acks },
  );
}

/** Settles a batch: releases each of its tokens once. */
export function settle(batch: Batch, outcome: Outcome): void {
  for (const ack of batch.acks) ack.release(outcome);
}

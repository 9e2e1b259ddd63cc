/**
 * Turns any transform shape (per-record, per-batch, whole-stream) into one uniform RxJS operator
 * from batches to port-tagged batches. Failures never end the stream: a record that throws goes
 * to the `error` port with its reason; a batch whose `process` throws goes there whole.
 */
import { concatMap, from, map, mergeMap, Observable, type OperatorFunction } from 'rxjs';
import type { ColumnTable } from 'arquero';
import type { Batch, Emit, PortBatch, Rec, Transform } from '../api/index.ts';
import { concatTables, derive, deriveTable, fork } from '../api/index.ts';

/** The shape of a record on an `error` port (and in dead-letter stores). */
export interface ErrorRecord extends Rec {
  node: string;
  reason: string;
  at: string;
  record: Rec;
}

export function errorRecord(node: string, record: Rec, err: unknown): ErrorRecord {
  const reason = err instanceof Error ? err.message : String(err);
  return { node, reason, at: new Date().toISOString(), record };
}

/** What an operator emitted on one port: records and/or column tables, in order. */
interface PortOutput {
  records: Rec[];
  tables: ColumnTable[];
}

/**
 * One batch per port from what was gathered, each sharing `batch`'s acknowledgement. Tables alone
 * stay columns (concatenated); records and tables mixed on one port become records.
 */
export function routeBatch(batch: Batch, byPort: Map<string, PortOutput>): PortBatch[] {
  const ports = [...byPort.entries()].filter(
    ([, o]) => o.records.length > 0 || o.tables.some((t) => t.numRows() > 0),
  );
  // Nothing left (all dropped): still pass an empty batch on `out` so it gets settled downstream.
  if (ports.length === 0) return [{ port: 'out', batch: derive(batch, []) }];
  const shares = fork(batch, ports.length);
  return ports.map(([port, o], i) => ({ port, batch: portBatch(shares[i], o) }));
}

function portBatch(share: Batch, o: PortOutput): Batch {
  if (o.tables.length === 0) return derive(share, o.records);
  if (o.records.length === 0) return deriveTable(share, concatTables(o.tables));
  return derive(share, [...o.records, ...o.tables.flatMap((t) => t.objects() as Rec[])]);
}

function collector(): { byPort: Map<string, PortOutput>; emit: Emit } {
  const byPort = new Map<string, PortOutput>();
  const at = (port: string) => {
    let o = byPort.get(port);
    if (!o) byPort.set(port, (o = { records: [], tables: [] }));
    return o;
  };
  const emit = ((r: Rec, port = 'out') => void at(port).records.push(r)) as Emit;
  emit.table = (t, port = 'out') => void at(port).tables.push(t);
  return { byPort, emit };
}

function isPortBatch(x: Batch | PortBatch): x is PortBatch {
  return 'port' in x && 'batch' in x;
}

export function nodeOperator(node: string, t: Transform): OperatorFunction<Batch, PortBatch> {
  switch (t.kind) {
    case 'record':
      return (input) =>
        input.pipe(
          map((batch) => {
            const { byPort, emit } = collector();
            for (const rec of batch.records) {
              try {
                const out = t.process(rec, emit);
                if (Array.isArray(out)) for (const r of out) emit(r);
                else if (out) emit(out as Rec);
              } catch (err) {
                emit(errorRecord(node, rec, err), 'error');
              }
            }
            return routeBatch(batch, byPort);
          }),
          mergeMap((list) => from(list)),
        );
    case 'batch':
      return (input) =>
        new Observable<PortBatch>((subscriber) => {
          const sub = input
            .pipe(
              concatMap(async (batch) => {
                const { byPort, emit } = collector();
                try {
                  await t.process(batch, emit);
                } catch (err) {
                  byPort.clear();
                  for (const rec of batch.records) emit(errorRecord(node, rec, err), 'error');
                }
                return routeBatch(batch, byPort);
              }),
            )
            .subscribe({
              next: (list) => list.forEach((pb) => subscriber.next(pb)),
              error: (e) => subscriber.error(e),
              complete: async () => {
                if (t.flush) {
                  const { byPort, emit } = collector();
                  try {
                    await t.flush(emit);
                  } catch (err) {
                    subscriber.error(err);
                    return;
                  }
                  // A batch transform holds no batch past `process`, so what it flushes (aggregates)
                  // carries no acknowledgement; operators that buffer batches use the stream shape.
                  const empty: Batch = { records: [], meta: {}, acks: [] };
                  for (const [port, o] of byPort)
                    if (o.records.length || o.tables.length)
                      subscriber.next({ port, batch: portBatch(empty, o) });
                }
                subscriber.complete();
              },
            });
          return () => sub.unsubscribe();
        });
    case 'stream':
      return (input) =>
        input.pipe(
          t.operator,
          map((x) => (isPortBatch(x) ? x : { port: 'out', batch: x })),
        );
  }
}

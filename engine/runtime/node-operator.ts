/**
 * Turns any transform shape (per-record, per-batch, whole-stream) into one uniform RxJS operator
 * from batches to port-tagged batches. Failures never end the stream: a record that throws goes
 * to the `error` port with its reason; a batch whose `process` throws goes there whole.
 */
import { concatMap, from, map, mergeMap, Observable, type OperatorFunction } from 'rxjs';
import type { Batch, PortBatch, Rec, Transform } from '../api/index.ts';
import { derive, fork } from '../api/index.ts';

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

/** Splits the records gathered per port into batches that share `batch`'s acknowledgement. */
export function routeBatch(batch: Batch, byPort: Map<string, Rec[]>): PortBatch[] {
  const ports = [...byPort.entries()].filter(([, recs]) => recs.length > 0);
  // Nothing left (all dropped): still pass an empty batch on `out` so it gets settled downstream.
  if (ports.length === 0) return [{ port: 'out', batch: derive(batch, []) }];
  const shares = fork(batch, ports.length);
  return ports.map(([port, recs], i) => ({ port, batch: derive(shares[i], recs) }));
}

function collector(): { byPort: Map<string, Rec[]>; emit: (r: Rec, port?: string) => void } {
  const byPort = new Map<string, Rec[]>();
  const emit = (r: Rec, port = 'out') => {
    const list = byPort.get(port);
    if (list) list.push(r);
    else byPort.set(port, [r]);
  };
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
                  for (const [port, recs] of byPort)
                    if (recs.length) subscriber.next({ port, batch: { records: recs, meta: {}, acks: [] } });
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

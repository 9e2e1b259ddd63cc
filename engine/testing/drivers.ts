/**
 * Drive one operator outside the runtime, for unit tests: feed records or batches, get what came
 * out per port and how each input batch was acknowledged.
 */
import type { ColumnTable } from 'arquero';
import { from, lastValueFrom, toArray } from 'rxjs';
import type {
  Batch,
  Context,
  Emission,
  Emit,
  Outcome,
  OperatorDefinition,
  Rec,
  Sink,
  Source,
  Transform,
} from '../api/index.ts';
import { Ack, settle, tableBatch, tableFromRecords } from '../api/index.ts';
import { nodeOperator } from '../runtime/node-operator.ts';
import { testContext } from './context.ts';

/** A batch with a fresh acknowledgement that records its outcome into `outcomes`. */
export function testBatch(records: Rec[], outcomes: Outcome[] = [], meta = {}): Batch {
  return { records, meta, acks: [new Ack((o) => outcomes.push(o))] };
}

/** Like {@link testBatch}, with the rows as columns (what column-wise sources emit). */
export function testTableBatch(records: Rec[], outcomes: Outcome[] = [], meta = {}): Batch {
  return tableBatch(tableFromRecords(records), meta, [new Ack((o) => outcomes.push(o))]);
}

/**
 * An `emit` for calling a batch transform's `process` directly; `rows(port)` returns what was
 * emitted on a port, records and tables alike, in order; `tables(port)` the tables as emitted.
 * @example
 * const { emit, rows } = emitter();
 * await t.process(testBatch(input), emit);
 * expect(rows('out')).toHaveLength(1);
 */
export function emitter(): { emit: Emit; rows(port?: string): Rec[]; tables(port?: string): ColumnTable[] } {
  const byPort = new Map<string, Rec[]>();
  const tablesByPort = new Map<string, ColumnTable[]>();
  const at = <T>(m: Map<string, T[]>, port: string) => m.get(port) ?? (m.set(port, []), m.get(port)!);
  const emit = ((r: Rec, port = 'out') => void at(byPort, port).push(r)) as Emit;
  emit.table = (t, port = 'out') => {
    at(tablesByPort, port).push(t);
    at(byPort, port).push(...(t.objects() as Rec[]));
  };
  return {
    emit,
    rows: (port = 'out') => byPort.get(port) ?? [],
    tables: (port = 'out') => tablesByPort.get(port) ?? [],
  };
}

/** Runs a transform over the inputs; returns records per port. Output batches are settled as delivered. */
export async function runTransform<C>(
  def: OperatorDefinition<C>,
  config: C,
  inputs: Rec[] | Rec[][],
  ctx: Context = testContext(),
): Promise<Record<string, Rec[]>> {
  const t = (await def.create(config, ctx)) as Transform;
  const groups = (inputs.length > 0 && Array.isArray(inputs[0]) ? inputs : [inputs]) as Rec[][];
  const out = await lastValueFrom(
    from(groups.map((g) => testBatch(g))).pipe(nodeOperator(ctx.node, t), toArray()),
  );
  const byPort: Record<string, Rec[]> = {};
  for (const { port, batch } of out) {
    (byPort[port] ??= []).push(...batch.records);
    settle(batch, 'delivered');
  }
  return byPort;
}

/** Reads a source until it ends or `limit` emissions; acknowledges each emission as delivered. */
export async function readSource<C>(
  def: OperatorDefinition<C>,
  config: C,
  ctx: Context = testContext(),
  limit = Infinity,
): Promise<Emission[]> {
  const s = (await def.create(config, ctx)) as Source;
  await s.start?.();
  const ac = new AbortController();
  const got: Emission[] = [];
  for await (const e of s.read(ac.signal)) {
    got.push(e);
    e.settled?.('delivered');
    if (got.length >= limit) {
      ac.abort();
      break;
    }
  }
  await s.close?.();
  return got;
}

/** Writes batches of records to a sink; returns each batch's outcome. */
export async function runSink<C>(
  def: OperatorDefinition<C>,
  config: C,
  batches: Rec[][],
  ctx: Context = testContext(),
): Promise<Outcome[]> {
  const s = (await def.create(config, ctx)) as Sink;
  await s.start?.();
  const outcomes: Outcome[] = [];
  for (const recs of batches) outcomes.push((await s.write(testBatch(recs))) ?? 'delivered');
  await s.close?.();
  return outcomes;
}

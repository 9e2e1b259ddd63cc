/**
 * Offloaded calls (`offload: true` on a read or write): a lone data file goes to a ready worker,
 * with the same values, files, stats and errors as the main thread alone; the pool starts without
 * the caller waiting; small calls, `workers: 0` and plain calls stay on the main thread.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ColumnTable } from 'arquero';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeltaTable } from '../table.ts';
import { DeltaSchemaError } from '../types.ts';
import { configureDeltaPool, deltaPoolStats, poolFor, startDeltaPool } from './pool.ts';
import { asTable, COLUMNS, filesOf, poolTestRoot, rows } from './test-fixture.ts';

const root = poolTestRoot('argus-delta-offload-');

/** One trade date of `n` rows (one data file), as a column table like the operators build. */
const day = (n: number, date = '2024-03-01'): ColumnTable => asTable(rows(1, n, date));

let seq = 0;
async function write(data: ColumnTable, offload: boolean): Promise<DeltaTable> {
  const t = await DeltaTable.create(join(root, `t${seq++}`), COLUMNS, { partitionBy: ['d'] });
  await t.append(data, { offload });
  return t;
}

/** Same column names, container classes and values (Object.is, Dates by time). */
function expectSameTable(b: ColumnTable, a: ColumnTable): void {
  expect(b.columnNames()).toEqual(a.columnNames());
  for (const name of a.columnNames()) {
    const x = a.column(name) as unknown as ArrayLike<unknown>;
    const y = b.column(name) as unknown as ArrayLike<unknown>;
    expect(y.constructor, name).toBe(x.constructor);
    expect(y.length, name).toBe(x.length);
    const differ: number[] = [];
    for (let i = 0; i < x.length; i++) {
      const same = x[i] instanceof Date ? y[i] instanceof Date && (y[i] as Date).getTime() === (x[i] as Date).getTime() : Object.is(y[i], x[i]);
      if (!same) differ.push(i);
    }
    expect(differ, name).toEqual([]);
  }
}

describe('offloaded Delta reads and writes', () => {
  beforeAll(async () => {
    // The defaults that matter here: plain reads stay on the main thread, small writes too.
    configureDeltaPool({ workers: 1, minRows: 20_000, startRows: 100_000, reads: false, offloadRows: 2_000 });
    expect(await startDeltaPool()).toBe(1);
  });
  afterEach(() => configureDeltaPool({ workers: 1, offloadRows: 2_000 }));

  it('writes a lone file in a ready worker: same file, bytes and stats as the main thread', async () => {
    const data = day(3_000);
    const before = deltaPoolStats();
    const a = await filesOf(await write(data, false));
    expect(deltaPoolStats().tasks).toBe(before.tasks); // one file, 3,000 rows: main thread as before
    const b = await filesOf(await write(data, true));
    const after = deltaPoolStats();
    expect(after.offloaded - before.offloaded).toBe(1);
    expect(after.tasks - before.tasks).toBe(1);
    expect(a.length).toBe(1);
    expect(b.map((f) => [f.pv, f.size, f.stats])).toEqual(a.map((f) => [f.pv, f.size, f.stats]));
    expect(Buffer.compare(b[0].bytes, a[0].bytes)).toBe(0);
  });

  it('reads a lone file in a ready worker: same containers and values; plain reads stay local', async () => {
    const t = await write(day(4_000), false);
    for (const opts of [{}, { decimals: 'string' as const }, { columns: ['x', 'sym', 'd', 'ts'] }]) {
      const before = deltaPoolStats();
      const a = await t.readTable(opts);
      const recA = await t.read(opts);
      expect(deltaPoolStats().tasks).toBe(before.tasks);
      const b = await t.readTable({ ...opts, offload: true });
      const recB = await t.read({ ...opts, offload: true });
      const cols = await t.readColumns({ ...opts, offload: true });
      expect(deltaPoolStats().offloaded - before.offloaded).toBe(3);
      expectSameTable(b, a);
      expect(recB).toEqual(recA);
      expect(cols.numRows).toBe(4_000);
      expect(Object.keys(cols.columns)).toEqual(a.columnNames());
    }
  });

  it('several files of one offloaded call all go through the schedule, in order', async () => {
    const t = await DeltaTable.create(join(root, `t${seq++}`), COLUMNS, { partitionBy: ['d'] });
    const parts = ['2024-03-01', '2024-03-04', '2024-03-05'].map((d, k) => day(2_500 + k * 100, d));
    for (const p of parts) await t.append(p);
    const a = await t.readTable();
    const before = deltaPoolStats().offloaded;
    const b = await t.readTable({ offload: true });
    expect(deltaPoolStats().offloaded).toBeGreaterThan(before);
    expectSameTable(b, a);
  });

  it('stays on the main thread below offloadRows', async () => {
    const t = await write(day(1_500), false);
    const before = deltaPoolStats();
    const a = await t.readTable();
    const b = await t.readTable({ offload: true });
    await write(day(1_500), true);
    expect(deltaPoolStats().tasks).toBe(before.tasks);
    expectSameTable(b, a);
    expect(poolFor(1_999, 'read', true)).toBeUndefined();
    expect(poolFor(2_000, 'read', true)).toBeDefined();
    configureDeltaPool({ offloadRows: 100 });
    expect(poolFor(1_000, 'write', true)).toBeDefined();
  });

  it('reports a worker’s encode error as the main thread would, and leaves no file behind', async () => {
    const data = day(2_500);
    const px = Float64Array.from(data.column('px') as unknown as ArrayLike<number>);
    px[1_234] = 1e20; // does not fit decimal(18,4): only the encoder refuses it
    const bad = data.assign({ px });
    const messages: string[] = [];
    const before = deltaPoolStats().offloaded;
    for (const offload of [false, true]) {
      const path = join(root, `e${seq++}`);
      const t = await DeltaTable.create(path, COLUMNS, { partitionBy: ['d'] });
      const err = await t.append(bad, { offload }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeltaSchemaError);
      messages.push((err as Error).message);
      const left = await fs.readdir(path, { recursive: true });
      expect(left.filter((f) => String(f).endsWith('.parquet'))).toEqual([]);
    }
    expect(deltaPoolStats().offloaded - before).toBe(1);
    expect(messages[1]).toBe(messages[0]);
    expect(messages[0]).toMatch(/px/);
  });

  it('starts the pool itself without waiting for it, and falls back to the main thread with workers: 0', async () => {
    const data = day(2_200);
    const t = await write(data, false);
    const a = await t.readTable();
    const files = await filesOf(t);

    configureDeltaPool({ workers: 0 }); // no pool at all
    const before = deltaPoolStats();
    expect(poolFor(10_000, 'read', true)).toBeUndefined();
    expectSameTable(await t.readTable({ offload: true }), a);
    const w = await filesOf(await write(data, true));
    expect(deltaPoolStats().tasks).toBe(before.tasks);
    expect(deltaPoolStats().started).toBe(0);
    expect(w.map((f) => f.stats)).toEqual(files.map((f) => f.stats));
    expect(Buffer.compare(w[0].bytes, files[0].bytes)).toBe(0);

    configureDeltaPool({ workers: 1 }); // a fresh pool, not started: the offloaded call starts it
    expect(deltaPoolStats().started).toBe(0);
    expectSameTable(await t.readTable({ offload: true }), a); // main thread until a worker is ready
    expect(deltaPoolStats().started).toBe(1);
    expect(await startDeltaPool()).toBe(1);
    const n = deltaPoolStats().offloaded;
    expectSameTable(await t.readTable({ offload: true }), a);
    expect(deltaPoolStats().offloaded).toBe(n + 1);
  });
});

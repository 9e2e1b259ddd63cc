/**
 * The Delta worker pool with real worker threads (started through tsx from vitest): pooled writes
 * give the same files, stats and errors as main-thread writes; pooled reads the same containers and
 * values; a worker that dies mid-write costs nothing but time; small writes never start a thread;
 * a CLI-style process (tsx registered by API, as bin/argus.mjs does) exits after a pooled write.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ColumnTable } from 'arquero';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeltaTable } from '../table.ts';
import { DeltaSchemaError } from '../types.ts';
import { configureDeltaPool, deltaPoolStats, poolFor, startDeltaPool } from './pool.ts';
import { asTable, COLUMNS, filesOf, poolTestRoot, rows } from './test-fixture.ts';

const root = poolTestRoot('argus-delta-pool-');

async function write(path: string, data: ColumnTable | Record<string, unknown>[], opts = {}) {
  const t = await DeltaTable.create(path, COLUMNS, { partitionBy: ['d'] });
  await t.append(data, opts);
  return t;
}

const mainOnly = () => configureDeltaPool({ minRows: Number.MAX_SAFE_INTEGER, startRows: Number.MAX_SAFE_INTEGER });
const pooled = () => configureDeltaPool({ minRows: 0, startRows: 0, reads: true });

describe('delta worker pool', () => {
  beforeAll(async () => {
    configureDeltaPool({ workers: 2 });
    expect(await startDeltaPool()).toBe(2);
  });
  afterEach(() => mainOnly());

  it('writes the same files, stats and directories as the main thread alone', async () => {
    const rs = rows(24);
    for (const [k, data] of [asTable(rs), rs].entries()) {
      mainOnly();
      const a = await filesOf(await write(join(root, `w-main-${k}`), data, { maxRowsPerFile: 130 }));
      pooled();
      const before = deltaPoolStats().tasks;
      const b = await filesOf(await write(join(root, `w-pool-${k}`), data, { maxRowsPerFile: 130 }));
      expect(deltaPoolStats().tasks - before).toBeGreaterThan(10); // workers did a share
      expect(b.length).toBe(a.length);
      expect(a.length).toBe(24 * 3);
      for (let i = 0; i < a.length; i++) {
        expect(b[i].pv).toEqual(a[i].pv);
        expect(b[i].size).toBe(a[i].size);
        expect(b[i].stats).toBe(a[i].stats);
        expect(Buffer.compare(b[i].bytes, a[i].bytes)).toBe(0);
      }
    }
  });

  it('reads the same containers and values (Float64Array where proven null-free, shared Dates)', async () => {
    mainOnly();
    const t = await write(join(root, 'r'), asTable(rows(30)));
    for (const opts of [{}, { decimals: 'string' as const }, { columns: ['pe', 'sym', 'd'] }]) {
      mainOnly();
      const a = await t.readTable(opts);
      const recA = await t.read(opts);
      pooled();
      const before = deltaPoolStats().tasks;
      const b = await t.readTable(opts);
      const recB = await t.read(opts);
      expect(deltaPoolStats().tasks - before).toBeGreaterThan(5);
      expect(b.columnNames()).toEqual(a.columnNames());
      for (const name of a.columnNames()) {
        const x = a.column(name) as unknown as ArrayLike<unknown>;
        const y = b.column(name) as unknown as ArrayLike<unknown>;
        expect(y.constructor).toBe(x.constructor);
        expect(y.length).toBe(x.length);
        const differ: number[] = [];
        for (let i = 0; i < x.length; i++) {
          const same =
            x[i] instanceof Date
              ? y[i] instanceof Date && (y[i] as Date).getTime() === (x[i] as Date).getTime() && (i === 0 || (y[i] === y[i - 1]) === (x[i] === x[i - 1])) // same sharing
              : Object.is(y[i], x[i]);
          if (!same) differ.push(i);
        }
        expect(differ, name).toEqual([]);
      }
      expect(recB).toEqual(recA);
    }
    // Only px is numeric and null-free in every file (vol is a long: numbers or bigints).
    const tt = await t.readTable();
    expect(tt.columnNames().filter((n) => tt.column(n) instanceof Float64Array)).toEqual(['px']);
  });

  it('reports a worker’s schema error as the main thread would (same class and message, first file first)', async () => {
    const rs = rows(12);
    // A value that only the encoder refuses (does not fit decimal(18,4)), in files 4 and 9.
    rs[4 * 300 + 17].px = 1e20;
    rs[9 * 300 + 3].px = 'abc';
    const messages: string[] = [];
    for (const mode of [mainOnly, pooled]) {
      mode();
      const err = await write(join(root, `e-${messages.length}`), asTable(rs)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeltaSchemaError);
      messages.push((err as Error).message);
    }
    expect(messages[1]).toBe(messages[0]);
    expect(messages[0]).toMatch(/column 'px'/);
    // The failed pooled write left no data files behind.
    const left = await fs.readdir(join(root, 'e-1'), { recursive: true });
    expect(left.filter((f) => String(f).endsWith('.parquet'))).toEqual([]);
  });

  it('a null in a non-nullable column names the batch row, from either thread', async () => {
    const rs = rows(8);
    rs[5 * 300 + 42].sym = null;
    const messages: string[] = [];
    for (const mode of [mainOnly, pooled]) {
      mode();
      messages.push(await write(join(root, `n-${messages.length}`), asTable(rs)).then(() => 'ok', (e: Error) => e.message));
    }
    expect(messages[0]).toBe(`column 'sym': null in a non-nullable column (row ${5 * 300 + 42})`);
    expect(messages[1]).toBe(messages[0]);
  });

  it('redoes the tasks of a worker that dies mid-write on the main thread', async () => {
    const rs = asTable(rows(40));
    mainOnly();
    const a = await filesOf(await write(join(root, 'k-main'), rs));
    pooled();
    const t = await DeltaTable.create(join(root, 'k-pool'), COLUMNS, { partitionBy: ['d'] });
    const before = deltaPoolStats();
    const pending = t.append(rs);
    while (deltaPoolStats().tasks === before.tasks) await new Promise((r) => setImmediate(r));
    configureDeltaPool({ workers: 1 }); // replaces the pool: the running workers are terminated
    await pending;
    expect(deltaPoolStats().lost).toBeGreaterThan(before.lost);
    const b = await filesOf(t);
    expect(b.map((f) => f.stats)).toEqual(a.map((f) => f.stats));
    expect(b.every((f, i) => Buffer.compare(f.bytes, a[i].bytes) === 0)).toBe(true);
    configureDeltaPool({ workers: 2 });
    expect(await startDeltaPool()).toBe(2);
  });

  it('small writes do not use or start the pool; reads use it only when told to', () => {
    configureDeltaPool({ minRows: 20_000, startRows: 100_000, reads: false });
    expect(poolFor(5_000)).toBeUndefined();
    expect(poolFor(1)).toBeUndefined();
    expect(poolFor(500_000)).toBeDefined();
    expect(poolFor(500_000, 'read')).toBeUndefined();
    configureDeltaPool({ reads: true });
    expect(poolFor(500_000, 'read')).toBeDefined();
  });
});

describe('a CLI process', () => {
  it('registers tsx by API like bin/argus.mjs, writes and reads through workers, and exits', async () => {
    const dir = join(root, 'cli');
    const here = new URL('.', import.meta.url).pathname;
    const script = `import { register } from 'tsx/esm/api';
register();
const { DeltaTable } = await import(${JSON.stringify(join(here, '..', 'table.ts'))});
const { deltaPoolStats, startDeltaPool } = await import(${JSON.stringify(join(here, 'pool.ts'))});
const cols = [{ name: 'd', type: 'date', nullable: false }, { name: 'x', type: 'double', nullable: false }];
const rows = Array.from({ length: 200000 }, (_, i) => ({ d: '2024-01-' + String(1 + (i % 20)).padStart(2, '0'), x: i / 3 }));
const t = await DeltaTable.create(${JSON.stringify(dir)}, cols, { partitionBy: ['d'] });
await t.append(rows); // starts the pool (workers join once loaded)
await startDeltaPool();
await t.append(rows);
const back = await t.readTable();
const x = back.column('x');
let sum = 0;
for (let i = 0; i < x.length; i++) sum += x[i];
console.log(JSON.stringify({ rows: back.numRows(), sum, ...deltaPoolStats() }));
`;
    const t0 = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: join(here, '..', '..', '..', '..'), env: { ...process.env, ARGUS_DELTA_WORKERS: '1', ARGUS_DELTA_POOL_READS: '1' }, timeout: 60_000 });
    const out = JSON.parse(stdout);
    expect(out.rows).toBe(400_000);
    expect(out.sum).toBeCloseTo((199_999 * 200_000) / 3, 0);
    expect(out.workers).toBe(1);
    expect(out.tasks).toBeGreaterThan(0);
    expect(out.failed).toBeUndefined();
    // The process exited on its own (the idle worker is unref'ed), well before the timeout.
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpecDoc } from '../../engine/api/index.ts';
import { createLake } from '../../engine/lake/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { readSource, runSink } from '../../engine/testing/drivers.ts';
import { testBatch, testTableBatch } from '../../engine/testing/drivers.ts';
import type { Batch, LakeTableSchemaSpec } from '../../engine/api/index.ts';
import sink, { txnsOf } from './delta.ts';
import source from '../sources/delta.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-delta-op-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const schema = (version: number, extra: { name: string; type: string }[] = []): SpecDoc => ({
  apiVersion: 'argus/v1',
  kind: 'TableSchema',
  metadata: { name: 'gold.demo', version },
  file: 'demo.yaml',
  spec: {
    table: 'gold/demo',
    partitionBy: ['trade_date'],
    columns: [
      { name: 'trade_date', type: 'date', nullable: false },
      { name: 'symbol', type: 'string', nullable: false },
      { name: 'close', type: 'decimal(18,4)', nullable: false },
      ...extra.map((e) => ({ ...e, nullable: true })),
    ],
  },
});

const lake = createLake(root);
const ctx = (v = 1, extra: { name: string; type: string }[] = []) =>
  testContext({ specs: [schema(v, extra)], backends: { lake } });
const day = (d: string, n: number, close = 1) =>
  Array.from({ length: n }, (_, i) => ({
    trade_date: d,
    symbol: `${600000 + i}.SH`,
    close: close + i / 100,
  }));

describe('delta sink', () => {
  it('creates the table, replaces touched partitions and skips redelivered txn versions', async () => {
    const c = ctx();
    const first = await runSink(
      sink,
      { schema: 'gold.demo', mode: 'replace_partitions', app_id: 'gold' },
      [day('2024-01-02', 3), day('2024-01-03', 2)],
      c,
    );
    expect(first).toEqual(['delivered', 'delivered']);
    const t = lake.table('gold/demo');
    expect(await t.read()).toHaveLength(5);
    // A re-run of 2024-01-02 with other values replaces that partition only.
    await runSink(sink, { schema: 'gold.demo', mode: 'replace_partitions' }, [day('2024-01-02', 1, 9)], c);
    const rows = await t.read({ partitions: { trade_date: '2024-01-02' } });
    expect(rows).toEqual([{ trade_date: '2024-01-02', symbol: '600000.SH', close: 9 }]);
    expect(await t.read({ partitions: { trade_date: '2024-01-03' } })).toHaveLength(2);
  });

  it('derives txn versions from meta and is exactly-once across redelivery', async () => {
    const b = testBatch(day('2024-02-01', 2), [], {
      offsets: [{ topic: 'gold', partition: 0, from: '10', to: '11' }],
    });
    expect(txnsOf(b, 'app')).toEqual([{ appId: 'app:gold:0', version: 11 }]);
    expect(txnsOf(testBatch([], [], { txnVersion: 5 }), 'app')).toEqual([{ appId: 'app', version: 5 }]);
    expect(txnsOf(b, undefined)).toEqual([]);
    const s = await sink.create({ schema: 'gold.demo', mode: 'append', app_id: 'x' }, ctx());
    if (s.kind !== 'sink') throw new Error('not a sink');
    await s.start?.();
    const t = lake.table('gold/demo');
    const before = await t.version();
    await s.write(b);
    await s.write(b); // redelivered after a crash: skipped
    expect(await t.version()).toBe(before + 1);
    expect(await t.txnVersion('x:gold:0')).toBe(11);
    expect(await t.read({ partitions: { trade_date: '2024-02-01' } })).toHaveLength(2);
  });

  it('replace_partitions commits each trading day exactly once by {app_id}:{trade_date} and partitionTxnVersion', async () => {
    const dayBatch = (d: string, version: number, close: number) =>
      testBatch(day(d, 2, close), [], { trade_date: d, partitionTxnVersion: version, txnVersion: 99 });
    expect(txnsOf(dayBatch('2024-03-04', 7, 1), 'gold', 'replace_partitions')).toEqual([
      { appId: 'gold:2024-03-04', version: 7 },
    ]);
    // append mode keeps the table-wide version
    expect(txnsOf(dayBatch('2024-03-04', 7, 1), 'gold')).toEqual([{ appId: 'gold', version: 99 }]);
    const s = await sink.create({ schema: 'gold.demo', mode: 'replace_partitions', app_id: 'pd' }, ctx());
    if (s.kind !== 'sink') throw new Error('not a sink');
    await s.start?.();
    const t = lake.table('gold/demo');
    const v0 = await t.version();
    await s.write(dayBatch('2024-03-05', 20, 1)); // a newer day first
    await s.write(dayBatch('2024-03-04', 10, 1)); // an older day afterwards is still written
    expect(await t.version()).toBe(v0 + 2);
    // The rerun of a day with the same version (other values) is skipped: the first commit stands.
    await s.write(dayBatch('2024-03-04', 10, 5));
    expect(await t.version()).toBe(v0 + 2);
    expect((await t.read({ partitions: { trade_date: '2024-03-04' } })).map((r) => r.close)).toEqual([
      1, 1.01,
    ]);
    // A correction (newer version) replaces that day only.
    await s.write(dayBatch('2024-03-04', 11, 5));
    expect(await t.version()).toBe(v0 + 3);
    expect((await t.read({ partitions: { trade_date: '2024-03-04' } })).map((r) => r.close).sort()).toEqual([
      5, 5.01,
    ]);
    expect((await t.read({ partitions: { trade_date: '2024-03-05' } })).map((r) => r.close).sort()).toEqual([
      1, 1.01,
    ]);
    expect(await t.txnVersion('pd:2024-03-04')).toBe(11);
    expect(await t.txnVersion('pd:2024-03-05')).toBe(20);
  });

  it('refuses records outside the schema and evolves with a newer schema version', async () => {
    await expect(
      runSink(
        sink,
        { schema: 'gold.demo' },
        [[{ trade_date: '2024-03-01', symbol: 'a', close: 'x' }]],
        ctx(),
      ),
    ).rejects.toThrow(/column 'close'/);
    await runSink(
      sink,
      { schema: 'gold.demo' },
      [[{ trade_date: '2024-03-01', symbol: 'a', close: 1, pe_ttm: 12.5 }]],
      ctx(2, [{ name: 'pe_ttm', type: 'decimal(18,4)' }]),
    );
    const t = lake.table('gold/demo');
    expect((await t.schema()).configuration['argus.schema.version']).toBe('2');
    expect(await t.read({ partitions: { trade_date: '2024-03-01' } })).toEqual([
      { trade_date: '2024-03-01', symbol: 'a', close: 1, pe_ttm: 12.5 },
    ]);
    // The old writer (version 1) is now refused.
    await expect(runSink(sink, { schema: 'gold.demo' }, [day('2024-03-02', 1)], ctx(1))).rejects.toThrow(
      /schema version 2, writer has 1/,
    );
  });
});

describe('delta sink with column batches', () => {
  /** A column batch whose records must never be built (the sink writes its table). */
  const columnsOnly = (b: Batch): Batch => {
    Object.defineProperty(b, 'records', {
      get() {
        throw new Error('records materialised');
      },
    });
    return b;
  };

  const colsCtx = () => {
    const doc = schema(1);
    return testContext({
      specs: [{ ...doc, spec: { ...(doc.spec as object), table: 'gold/cols' } }],
      backends: { lake },
    });
  };

  it('appends and replaces partitions from batch.table without materialising records', async () => {
    const c = colsCtx();
    const s = await sink.create({ schema: 'gold.demo', mode: 'replace_partitions', app_id: 'cols' }, c);
    if (s.kind !== 'sink') throw new Error('not a sink');
    await s.start?.();
    const batch = (rows: ReturnType<typeof day>, meta = {}) => columnsOnly(testTableBatch(rows, [], meta));
    expect(await s.write(batch([...day('2024-04-01', 3), ...day('2024-04-02', 2)]))).toBe('delivered');
    const t = lake.table('gold/cols');
    expect(await t.read()).toHaveLength(5);
    // Replacing 2024-04-02 from a column batch leaves 2024-04-01 alone.
    await s.write(batch(day('2024-04-02', 1, 7), { trade_date: '2024-04-02', partitionTxnVersion: 3 }));
    expect(await t.read({ partitions: { trade_date: '2024-04-02' } })).toEqual([
      { trade_date: '2024-04-02', symbol: '600000.SH', close: 7 },
    ]);
    expect(await t.read({ partitions: { trade_date: '2024-04-01' } })).toHaveLength(3);
    expect(await t.txnVersion('cols:2024-04-02')).toBe(3);
    // Schema errors name the column for column batches too.
    await expect(
      s.write(batch([{ trade_date: '2024-04-03', symbol: 'a', close: 'x' as never }])),
    ).rejects.toThrow(/column 'close'/);
  });

  it('the source emits column batches whose rows equal a record read', async () => {
    const c = colsCtx();
    const got = await readSource(source, { table: 'gold/cols' }, c);
    expect(got.every((e) => e.records.length === 0 && e.table)).toBe(true);
    expect(got.map((e) => e.table!.column('close'))).toSatisfy((cols: unknown[]) =>
      cols.every((col) => col instanceof Float64Array),
    );
    const rows = got.flatMap((e) => e.table!.objects() as Record<string, unknown>[]);
    const sortKey = (r: Record<string, unknown>) => `${r.trade_date}|${r.symbol}`;
    const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      sortKey(a).localeCompare(sortKey(b));
    expect(rows.sort(byKey)).toEqual((await lake.table('gold/cols').read()).sort(byKey));
    expect(got.map((e) => (e.meta?.partition as Record<string, unknown>).trade_date)).toEqual([
      '2024-04-01',
      '2024-04-02',
    ]);
  });
});

describe('delta source', () => {
  it('fails on a table that does not exist, or reads it as empty with if_missing: empty', async () => {
    await expect(readSource(source, { table: 'bronze/never_written' }, ctx())).rejects.toThrow(
      /never_written/,
    );
    expect(await readSource(source, { table: 'bronze/never_written', if_missing: 'empty' }, ctx())).toEqual(
      [],
    );
  });

  it('emits one batch per partition in order, for a version and a partition range', async () => {
    const c = ctx(2, [{ name: 'pe_ttm', type: 'decimal(18,4)' }]);
    const all = await readSource(source, { table: 'gold/demo' }, c);
    const dates = all.map((e) => (e.meta?.partition as Record<string, unknown>).trade_date);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(dates).size).toBe(dates.length);
    const ranged = await readSource(
      source,
      { table: 'gold/demo', partitions: { trade_date: { gte: '2024-01-03', lt: '2024-03-01' } } },
      c,
    );
    expect(ranged.map((e) => (e.meta?.partition as Record<string, unknown>).trade_date)).toEqual([
      '2024-01-03',
      '2024-02-01',
    ]);
    const v1 = await readSource(source, { table: 'gold/demo', version: 1, batch_size: 2 }, c);
    // Column batches: rows are in `table`, `records` is empty.
    expect(v1.map((e) => [e.records.length, e.table?.numRows()])).toEqual([
      [0, 2],
      [0, 1],
    ]);
    expect(v1.every((e) => e.meta?.version === 1)).toBe(true);
    const cols = await lake
      .table('gold/demo')
      .readColumns({ version: 1, columns: ['symbol', 'trade_date', 'close'] });
    expect(cols).toEqual({
      numRows: 3,
      columns: {
        symbol: ['600000.SH', '600001.SH', '600002.SH'],
        trade_date: ['2024-01-02', '2024-01-02', '2024-01-02'],
        close: [1, 1.01, 1.02],
      },
    });
  });
});

describe('delta source streaming', () => {
  const streamed = 'bronze/streamed';
  const days = Array.from({ length: 12 }, (_, i) => `2024-05-${String(i + 1).padStart(2, '0')}`);

  it('lists partitions in order and reads them one at a time, at most read_ahead ahead', async () => {
    const t = await lake.ensure({
      metadata: { name: 'bronze.streamed', version: 1 },
      spec: { ...(schema(1).spec as LakeTableSchemaSpec), table: streamed },
    });
    // Written out of order, two commits for one day: partitions() sorts and de-duplicates.
    for (const d of [...days].reverse()) await t.append(day(d, 3));
    await t.append(day(days[4], 2, 5));
    expect((await t.partitions()).map((p) => p.trade_date)).toEqual(days);
    expect(await t.partitions({ partitions: { trade_date: { gt: days[9] } } })).toEqual([
      { trade_date: days[10] },
      { trade_date: days[11] },
    ]);

    // Count the partition reads the source has started when it hands out each batch.
    let reads = 0;
    const counting = {
      root: lake.root,
      ensure: lake.ensure.bind(lake),
      table(name: string) {
        const real = lake.table(name);
        return Object.assign(Object.create(real), {
          readTable: (o: Parameters<typeof real.readTable>[0]) => {
            reads++;
            return real.readTable(o);
          },
        });
      },
    };
    const c = testContext({ specs: [schema(1)], backends: { lake: counting } });
    const src = await source.create({ table: streamed, read_ahead: 2 }, c);
    const started: number[] = [];
    const got: { day: unknown; rows: number }[] = [];
    if (src.kind !== 'source') throw new Error('not a source');
    for await (const e of src.read(new AbortController().signal)) {
      started.push(reads);
      got.push({ day: (e.meta?.partition as Record<string, unknown>).trade_date, rows: e.table!.numRows() });
    }
    expect(got.map((g) => g.day)).toEqual(days);
    expect(got.map((g) => g.rows)).toEqual(days.map((d) => (d === days[4] ? 5 : 3)));
    // Batch k is handed out when at most k + 1 + read_ahead partitions were asked for: never all 12.
    started.forEach((n, k) => expect(n).toBeLessThanOrEqual(Math.min(days.length, k + 3)));
    expect(started[0]).toBe(3);
  });
});

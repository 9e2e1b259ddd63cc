/**
 * Brief §10, peers → Argus and mixed writers: tables delta-rs writes (create, append,
 * overwrite, merge schema, checkpoints, a 3/7 timestamp_ntz table) are read identically by
 * Argus; overwrites across writers; schema evolution both ways (cases 6–8).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable, DeltaSchemaError } from '../../../engine/lake/index.ts';
import { canonRows, py, sorted, tempDir } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

type Read = {
  version: number;
  protocol: number[];
  types: Record<string, string>;
  rows: Record<string, unknown>[];
};
const write = (path: string, steps: unknown[]) => py<number[]>('write_table', 'write', { path, steps });

describe('delta-rs-written tables in Argus', () => {
  it('6: create/append/overwrite/checkpoints (interval 5, timestamp_ntz 3/7): Argus equals to_pyarrow_table at every version', async () => {
    const path = join(dir, 'pywrites');
    const columns = [
      { name: 'k', type: 'long', nullable: false },
      { name: 'p', type: 'string' },
      { name: 'ts', type: 'timestamp_ntz' },
      { name: 'tz', type: 'timestamp' },
      { name: 'amt', type: 'decimal(18,4)' },
      { name: 'day', type: 'date' },
    ];
    const batch = (from: number, n: number, p = 'x') =>
      Array.from({ length: n }, (_, i) => ({
        k: from + i,
        p: i % 3 ? p : null,
        ts: `2024-06-15T12:30:${String(i % 60).padStart(2, '0')}.123456`,
        tz: '2024-06-15T19:30:45.5Z',
        amt: `${from + i}.0101`,
        day: '2024-02-29',
      }));
    const steps = [
      {
        mode: 'append',
        columns,
        rows: batch(0, 5),
        partitionBy: ['p'],
        properties: { 'delta.checkpointInterval': '5' },
      },
      { mode: 'append', columns, rows: batch(100, 3, 'y/z') },
      { mode: 'overwrite', columns, rows: batch(200, 4) },
      { mode: 'append', columns, rows: batch(300, 2) },
      { mode: 'append', columns, rows: batch(400, 2, 'q r') },
      { mode: 'append', columns, rows: batch(500, 2), checkpoint: true },
      {
        mode: 'overwrite',
        columns,
        rows: batch(600, 3, 'é').map((r) => ({ ...r, p: 'é' })),
        predicate: "p = 'é'",
      },
    ];
    const versions = await write(path, steps);
    expect(versions).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const theirs = await py<{ version: number; rows: Record<string, unknown>[] }[]>(
      'inspect_table',
      'rows_at_versions',
      { path, versions },
    );
    const t = await DeltaTable.open(path);
    const snap = await t.snapshot();
    expect(snap.protocol.minReaderVersion).toBe(3);
    expect(snap.protocol.readerFeatures).toContain('timestampNtz');
    for (const { version, rows } of theirs) {
      const ours = canonRows(await t.read({ version, decimals: 'string' }));
      expect(sorted(ours), `version ${version}`).toEqual(sorted(rows));
    }
    // A delta-rs checkpoint exists (interval 5 → after version 4; explicit at 5): replay used it.
    const listing = await import('../../../engine/lake/delta/log.ts').then((m) => m.listLog(path));
    expect(listing.checkpoints.map((c) => c.version)).toEqual(expect.arrayContaining([4, 5]));
  });

  it("7: overwrites over the other writer's special-character partitions show only new rows", async () => {
    const specials = ['a/b', 'c:d %', 'é=1'];
    const cols = [
      { name: 'k', type: 'long', nullable: false },
      { name: 's', type: 'string' },
    ];
    // Argus writes, delta-rs overwrites one partition.
    const p1 = join(dir, 'ts-then-py');
    const t1 = await DeltaTable.create(p1, cols, { partitionBy: ['s'] });
    await t1.append(
      specials.flatMap((s, i) => [
        { k: i, s },
        { k: i + 10, s },
      ]),
    );
    await write(p1, [
      { mode: 'overwrite', columns: cols, rows: [{ k: 99, s: 'c:d %' }], predicate: "s = 'c:d %'" },
    ]);
    const got1 = canonRows(await t1.read());
    expect(sorted(got1)).toEqual(
      sorted([
        { k: 0, s: 'a/b' },
        { k: 10, s: 'a/b' },
        { k: 99, s: 'c:d %' },
        { k: 2, s: 'é=1' },
        { k: 12, s: 'é=1' },
      ]),
    );
    expect(sorted(await py('duck_table', 'scan', { path: p1 }))).toEqual(sorted(got1));
    // delta-rs writes, Argus replaces a partition and then the whole table.
    const p2 = join(dir, 'py-then-ts');
    await write(p2, [
      {
        mode: 'append',
        columns: cols,
        rows: specials.flatMap((s, i) => [
          { k: i, s },
          { k: i + 10, s },
        ]),
        partitionBy: ['s'],
      },
    ]);
    const t2 = await DeltaTable.open(p2);
    await t2.replaceWhere({ s: 'é=1' }, [{ k: 77, s: 'é=1' }]);
    const want2 = [
      { k: 0, s: 'a/b' },
      { k: 10, s: 'a/b' },
      { k: 1, s: 'c:d %' },
      { k: 11, s: 'c:d %' },
      { k: 77, s: 'é=1' },
    ];
    expect(sorted((await py<Read>('inspect_table', 'read', { path: p2 })).rows)).toEqual(sorted(want2));
    expect(sorted(await py('duck_table', 'scan', { path: p2 }))).toEqual(sorted(want2));
    await t2.overwrite([{ k: 5, s: 'a/b' }]);
    expect((await py<Read>('inspect_table', 'read', { path: p2 })).rows).toEqual([{ k: 5, s: 'a/b' }]);
    expect(await py('duck_table', 'scan', { path: p2 })).toEqual([{ k: 5, s: 'a/b' }]);
  });

  it('8: additive schema evolution both ways; a mismatched type is refused', async () => {
    const path = join(dir, 'evolve');
    const v1 = [
      { name: 'k', type: 'long', nullable: false },
      { name: 'p', type: 'string' },
    ];
    const t = await DeltaTable.create(path, v1, {
      schemaName: 'demo',
      schemaVersion: 1,
      records: [{ k: 1, p: 'a' }],
    });
    const v2 = [...v1, { name: 'note', type: 'string', nullable: true }];
    await t.append([{ k: 2, p: 'a', note: 'hello' }], { schema: { name: 'demo', version: 2, fields: v2 } });
    const r = await py<Read>('inspect_table', 'read', { path });
    expect(sorted(r.rows)).toEqual(
      sorted([
        { k: 1, p: 'a', note: null },
        { k: 2, p: 'a', note: 'hello' },
      ]),
    );
    expect((await t.schema()).configuration['argus.schema.version']).toBe('2');
    // delta-rs adds a column with schema_mode=merge; Argus reads it (older rows null).
    await write(path, [
      {
        mode: 'append',
        schemaMode: 'merge',
        columns: [...v2, { name: 'score', type: 'double' }],
        rows: [{ k: 3, p: 'b', note: null, score: 0.5 }],
      },
    ]);
    expect(sorted(canonRows(await t.read()))).toEqual(
      sorted([
        { k: 1, p: 'a', note: null, score: null },
        { k: 2, p: 'a', note: 'hello', score: null },
        { k: 3, p: 'b', note: null, score: 0.5 },
      ]),
    );
    // Type changes and tighter nullability are refused with the column named; nothing is committed.
    const before = await t.version();
    await expect(
      t.append([{ k: 4 }], { schema: { fields: [{ name: 'k', type: 'string', nullable: false }] } }),
    ).rejects.toThrow(/column 'k'.*type/);
    await expect(t.append([{ k: 4, score: 'high' }])).rejects.toThrow(DeltaSchemaError);
    await expect(t.append([{ k: 4, score: 'high' }])).rejects.toThrow(/column 'score'/);
    await expect(t.append([{ k: null }])).rejects.toThrow(/column 'k': null in a non-nullable column/);
    await expect(t.append([{ k: 4, extra: 1 }])).rejects.toThrow(/column 'extra' is not in the table schema/);
    await expect(t.append([{ k: 4 }], { schema: { name: 'demo', version: 1, fields: v1 } })).rejects.toThrow(
      /schema version 2, writer has 1/,
    );
    await expect(t.append([{ k: 4 }], { schema: { name: 'other', fields: v1 } })).rejects.toThrow(
      /holds schema 'demo'/,
    );
    expect(await t.version()).toBe(before);
  });
});

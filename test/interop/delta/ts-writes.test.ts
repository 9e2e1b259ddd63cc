/**
 * Brief §10, Argus → peers: tables Argus writes are read identically by delta-rs (Python
 * `deltalake`) and DuckDB's delta extension (cases 1–5 and 9).
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable } from '../../../engine/lake/index.ts';
import { canonRows, py, sleep, sorted, tempDir } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

type Read = {
  version: number;
  protocol: number[];
  types: Record<string, string>;
  rows: Record<string, unknown>[];
};

const ALL_TYPES = [
  { name: 'id', type: 'long', nullable: false },
  { name: 's', type: 'string' },
  { name: 'i', type: 'integer' },
  { name: 'sh', type: 'short' },
  { name: 'b', type: 'byte' },
  { name: 'f', type: 'float' },
  { name: 'd', type: 'double' },
  { name: 'bo', type: 'boolean' },
  { name: 'bin', type: 'binary' },
  { name: 'dt', type: 'date' },
  { name: 'ts', type: 'timestamp' },
  { name: 'd9', type: 'decimal(9,2)' },
  { name: 'd18', type: 'decimal(18,4)' },
  { name: 'd22', type: 'decimal(22,4)' },
  { name: 'd38', type: 'decimal(38,10)' },
];

function allTypeRows(n: number) {
  return Array.from({ length: n }, (_, k) => ({
    id: k === 1 ? 9007199254740993n : k,
    s: k % 4 === 3 ? null : `s${k % 5}-é`,
    i: k % 5 === 4 ? null : -k * 1000,
    sh: k % 300,
    b: (k % 200) - 100,
    f: k / 4,
    d: k % 6 === 5 ? null : k * 1.25,
    bo: k % 3 === 2 ? null : k % 2 === 0,
    bin: k % 7 === 6 ? null : new Uint8Array([k % 256, 0, 255]),
    dt: k % 8 === 7 ? null : `2024-0${1 + (k % 9)}-1${k % 10}`,
    ts: k % 9 === 8 ? null : new Date(Date.UTC(2024, 5, 15, 19, 30, k % 60, 123)),
    d9: k % 10 === 9 ? null : (k * 1.01).toFixed(2),
    d18: `${k}.1235`,
    d22: k % 2 ? null : `123456789012345678.${String(k).padStart(4, '0')}`,
    d38: k % 3 ? `-1234567890123456789012345678.${String(k).padStart(10, '0')}` : null,
  }));
}

describe('Argus-written tables in delta-rs and DuckDB', () => {
  it('1: all types and nulls in version 0 read identically (types, values, protocol)', async () => {
    const path = join(dir, 'types');
    const rows = allTypeRows(40);
    const t = await DeltaTable.create(path, ALL_TYPES, { records: rows });
    const ours = canonRows(await t.read({ decimals: 'string' }));
    const r = await py<Read>('inspect_table', 'read', { path });
    expect(r.version).toBe(0);
    expect(r.protocol).toEqual([1, 2]);
    expect(r.types).toMatchObject({
      id: 'int64',
      s: 'string',
      i: 'int32',
      sh: 'int16',
      b: 'int8',
      f: 'float',
      d: 'double',
      bo: 'bool',
      bin: 'binary',
      dt: 'date32[day]',
      ts: 'timestamp[us, tz=UTC]',
      d9: 'decimal128(9, 2)',
      d18: 'decimal128(18, 4)',
      d22: 'decimal128(22, 4)',
      d38: 'decimal128(38, 10)',
    });
    expect(ours).toHaveLength(40);
    expect(sorted(r.rows)).toEqual(sorted(ours));
    const duck = await py<Record<string, unknown>[]>('duck_table', 'scan', { path });
    expect(sorted(duck)).toEqual(sorted(ours));
    // Values survive exactly: the long beyond 2^53 and the 38-digit decimal.
    expect(ours.find((x) => x.id === '9007199254740993')).toBeTruthy();
    expect(ours.find((x) => x.id === 4)?.d38).toBe('-1234567890123456789012345678.0000000004');
  });

  it('2: special-character, date and null partitions: same rows, same stats, DuckDB filters them', async () => {
    const path = join(dir, 'parts');
    const specials = ['a/b', 'c:d', 'e=f', 'g%h', 'i j', 'é', null, 'plain'];
    const rows = specials.flatMap((s, k) =>
      [0, 1, 2].map((j) => ({ s, day: `2024-01-0${1 + (j % 2)}`, x: k * 10 + j, v: `${k}.${j}5` })),
    );
    const t = await DeltaTable.create(
      path,
      [
        { name: 's', type: 'string' },
        { name: 'day', type: 'date', nullable: false },
        { name: 'x', type: 'long', nullable: false },
        { name: 'v', type: 'decimal(10,2)' },
      ],
      { partitionBy: ['s', 'day'] },
    );
    await t.append(rows);
    const ours = canonRows(await t.read({ decimals: 'string' }));
    expect(ours).toHaveLength(rows.length);
    const r = await py<Read>('inspect_table', 'read', { path });
    expect(sorted(r.rows)).toEqual(sorted(ours));
    expect(sorted(await py('duck_table', 'scan', { path }))).toEqual(sorted(ours));
    // delta-rs parses our stats to the same min/max per file.
    const adds = await py<Record<string, unknown>[]>('inspect_table', 'adds', { path });
    const files = await t.files();
    expect(adds).toHaveLength(files.length);
    for (const f of files) {
      const stats = JSON.parse(f.add.stats!);
      const a = adds.find((x) => x.path === decodeURIComponent(f.add.path) || x.path === f.add.path)!;
      expect(a, f.add.path).toBeTruthy();
      expect(a['num_records']).toBe(stats.numRecords);
      expect(a['min.x']).toBe(stats.minValues.x);
      expect(a['max.x']).toBe(stats.maxValues.x);
      expect(Number(a['min.v'])).toBe(stats.minValues.v);
      expect(a['partition.s']).toBe(f.add.partitionValues.s);
    }
    for (const s of ['g%h', 'a/b', 'é', 'i j']) {
      const got = await py<Record<string, unknown>[]>('duck_table', 'scan', { path, where: `s = '${s}'` });
      expect(sorted(got)).toEqual(sorted(ours.filter((o) => o.s === s)));
    }
    const nulls = await py<Record<string, unknown>[]>('duck_table', 'scan', { path, where: 's IS NULL' });
    expect(nulls).toHaveLength(3);
    expect(canonRows(await t.read({ partitions: { s: 'e=f', day: '2024-01-02' } }))).toHaveLength(1);
  });

  it('3: versions, time travel by version and history agree (create, append, overwrite, append)', async () => {
    const path = join(dir, 'versions');
    const cols = [
      { name: 'k', type: 'long', nullable: false },
      { name: 'p', type: 'string', nullable: false },
    ];
    const t = await DeltaTable.create(path, cols, {
      partitionBy: ['p'],
      records: [
        { k: 1, p: 'a' },
        { k: 2, p: 'b' },
      ],
    });
    await t.append([{ k: 3, p: 'a' }]);
    await t.overwrite([{ k: 10, p: 'c' }]);
    await t.append([
      { k: 11, p: 'a' },
      { k: 12, p: 'c' },
      { k: 13, p: 'd' },
    ]);
    const expected = [2, 3, 1, 4];
    for (let v = 0; v < 4; v++) expect((await t.read({ version: v })).length).toBe(expected[v]);
    const counts = await py<{ version: number; count: number; count2: number }[]>(
      'inspect_table',
      'versions',
      { path, from: 0, to: 3 },
    );
    expect(counts.map((c) => c.count)).toEqual(expected);
    expect(counts.map((c) => c.count2)).toEqual(expected);
    expect(await py('duck_table', 'counts', { path, versions: [0, 1, 2, 3] })).toEqual(expected);
    const hist = await py<{ version: number }[]>('inspect_table', 'history', { path });
    expect(hist.map((h) => h.version)).toEqual([3, 2, 1, 0]);
    expect((await t.history()).map((h) => h.version)).toEqual([3, 2, 1, 0]);
  });

  it('4: time travel by timestamp picks the same version as delta-rs', async () => {
    const path = join(dir, 'timestamps');
    const t = await DeltaTable.create(path, [{ name: 'k', type: 'long' }]);
    for (let i = 0; i < 3; i++) {
      await sleep(1100);
      await t.append([{ k: i }]);
    }
    const mtimes = await Promise.all(
      [0, 1, 2, 3].map(
        async (v) => (await fs.stat(join(path, '_delta_log', `${String(v).padStart(20, '0')}.json`))).mtimeMs,
      ),
    );
    const probes = [mtimes[0] - 5000, mtimes[0] + 500, mtimes[1] + 500, mtimes[2] + 500, mtimes[3] + 500];
    for (const ms of probes) {
      const iso = new Date(ms).toISOString();
      const theirs = await py<number>('inspect_table', 'version_at', { path, datetime: iso });
      const ours = (await t.snapshot({ timestamp: iso })).version;
      expect(ours, iso).toBe(theirs);
    }
    expect((await t.snapshot({ timestamp: new Date(mtimes[1] + 500) })).version).toBe(1);
    expect(await t.read({ timestamp: new Date(mtimes[2] + 500) })).toHaveLength(2);
  });

  it('5: the checkpoint at version 10 alone lets delta-rs, DuckDB and Argus read version 11', async () => {
    const path = join(dir, 'checkpoint');
    const t = await DeltaTable.create(
      path,
      [
        { name: 'k', type: 'long' },
        { name: 'p', type: 'string' },
      ],
      { partitionBy: ['p'] },
    );
    for (let i = 1; i <= 11; i++) await t.append([{ k: i, p: i % 2 ? 'odd/x' : 'even y' }]);
    await t.deleteWhere({ p: 'even y' }); // v12: tombstones go into no checkpoint yet
    const log = join(path, '_delta_log');
    await expect(fs.stat(join(log, '00000000000000000010.checkpoint.parquet'))).resolves.toBeTruthy();
    expect(JSON.parse(await fs.readFile(join(log, '_last_checkpoint'), 'utf8')).version).toBe(10);
    const aside = join(dir, 'checkpoint-aside');
    await fs.mkdir(aside);
    for (let v = 0; v <= 9; v++)
      await fs.rename(join(log, `${String(v).padStart(20, '0')}.json`), join(aside, `${v}.json`));
    const ours = canonRows(await t.read({ version: 11 }));
    expect(ours).toHaveLength(11);
    const r = await py<Read>('inspect_table', 'read', { path, version: 11 });
    expect(sorted(r.rows)).toEqual(sorted(ours));
    expect(await py('duck_table', 'counts', { path, versions: [11, 12] })).toEqual([11, 6]);
    expect(await t.read()).toHaveLength(6);
  });

  it('9: txn versions are shared with delta-rs both ways and survive a checkpoint', async () => {
    const path = join(dir, 'txn');
    const cols = [{ name: 'k', type: 'long' }];
    const t = await DeltaTable.create(path, cols);
    expect((await t.append([{ k: 1 }], { txn: { appId: 'app', version: 7 } })).skipped).toBe(false);
    expect(await py('inspect_table', 'txn', { path, appId: 'app' })).toBe(7);
    expect((await t.append([{ k: 1 }], { txn: { appId: 'app', version: 7 } })).skipped).toBe(true);
    await py('write_table', 'write', {
      path,
      steps: [{ mode: 'append', columns: [{ name: 'k', type: 'long' }], rows: [{ k: 8 }], txn: ['app', 8] }],
    });
    expect(await t.txnVersion('app')).toBe(8);
    const skipped = await t.append([{ k: 8 }], { txn: { appId: 'app', version: 8 } });
    expect(skipped.skipped).toBe(true);
    expect((await t.read()).map((r) => r.k).sort()).toEqual([1, 8]);
    await t.append([{ k: 9 }], { txn: { appId: 'other', version: 1 } });
    const cp = await t.checkpoint();
    for (let v = 0; v <= cp; v++)
      await fs.rm(join(path, '_delta_log', `${String(v).padStart(20, '0')}.json`));
    expect(await t.txnVersion('app')).toBe(8);
    expect(await t.txnVersion('other')).toBe(1);
    expect(await py('inspect_table', 'txn', { path, appId: 'app' })).toBe(8);
    expect(await py('inspect_table', 'txn', { path, appId: 'other' })).toBe(1);
  });
});

/**
 * The process-wide snapshot cache: an unchanged table is reused, newer commits (ours or another
 * process's) are replayed on top, and the result always equals a cold replay of the log; time
 * travel, recreated tables and the bounds behave.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSnapshot, sharedSnapshot, type Snapshot } from './snapshot.ts';
import { clearSnapshotCache, configureSnapshotCache, snapshotCacheStats } from './snapshot-cache.ts';
import { DeltaTable } from './table.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-snap-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const COLS = [
  { name: 'p', type: 'string', nullable: false },
  { name: 'x', type: 'long', nullable: true },
];

async function table(props: Record<string, string> = {}): Promise<DeltaTable> {
  return DeltaTable.create(join(root, `t${n++}`), COLS, { partitionBy: ['p'], properties: props });
}

/**
 * A cold replay of the log to compare with: through a fresh symlink, i.e. a cache key never seen
 * (turning the cache off would evict the entries under test).
 */
let links = 0;
async function cold(path: string, version?: number): Promise<Snapshot> {
  const alias = join(root, `cold-${links++}`);
  symlinkSync(path, alias);
  const misses = snapshotCacheStats().misses;
  const s = await loadSnapshot(alias, version);
  expect(snapshotCacheStats().misses).toBe(misses + 1);
  return { ...s, root: path };
}

// add/remove.dataChange is per commit, not table state: a checkpoint stores false, a JSON commit
// true, so a replay on top of a cached state differs from a cold read of a newer checkpoint there
// only (nothing reads it from a snapshot; conflict checks read the winners' commit files).
const state = (s: Snapshot) => ({
  version: s.version,
  files: [...s.files.entries()].map(([k, { dataChange: _, ...a }]) => [k, a]).sort(),
  tombstones: [...s.tombstones.entries()].map(([k, { dataChange: _, ...r }]) => [k, r]).sort(),
  txns: [...s.txns.entries()].sort(),
  metadata: s.metadata,
  protocol: s.protocol,
  fields: s.fields,
  partitionColumns: s.partitionColumns,
});

beforeEach(() => {
  configureSnapshotCache({ maxTables: 32, maxFiles: 100_000 });
  clearSnapshotCache();
});

describe('snapshot cache', () => {
  it('reuses an unchanged table and hands out caller-owned containers', async () => {
    const t = await table();
    await t.append([{ p: 'a', x: 1 }, { p: 'b', x: 2 }]);
    clearSnapshotCache();
    const first = await loadSnapshot(t.path);
    const second = await loadSnapshot(t.path);
    expect(snapshotCacheStats()).toMatchObject({ misses: 1, hits: 1, replays: 0, tables: 1 });
    expect(state(second)).toEqual(state(first));
    expect(second.files).not.toBe(first.files);
    // A caller mutating its snapshot cannot change the next one's...
    first.files.clear();
    first.fields.push({ name: 'junk', type: 'long', nullable: true, metadata: {} });
    const third = await loadSnapshot(t.path);
    expect(third.files.size).toBe(2);
    expect(third.fields.map((f) => f.name)).toEqual(['p', 'x']);
    // ...and the shared action objects refuse mutation loudly.
    const add = [...third.files.values()][0];
    expect(() => ((add as { size: number }).size = 0)).toThrow(TypeError);
    expect(state(third)).toEqual(state(await cold(t.path)));
  });

  it('replays only the newer commits, across checkpoints and overwrites, equal to a cold replay', async () => {
    const t = await table({ 'delta.checkpointInterval': '3' });
    await loadSnapshot(t.path);
    for (let i = 0; i < 7; i++) {
      if (i === 4) await t.replaceWhere({ p: 'a' }, [{ p: 'a', x: 100 }], { txn: { appId: 'w', version: i } });
      else await t.append([{ p: i % 2 ? 'a' : 'b', x: i }], { txn: { appId: 'w', version: i } });
    }
    clearSnapshotCache();
    await loadSnapshot(t.path, 2); // time travel: not cached
    expect(snapshotCacheStats().tables).toBe(0);
    await loadSnapshot(t.path); // cold: version 7 from the checkpoint at 6
    const before = snapshotCacheStats();
    // The writes' own snapshots (pre-commit, post-commit checkpoint check) replay from the cache too.
    await t.append([{ p: 'c', x: 8 }]);
    await t.deleteWhere({ p: 'b' });
    const snap = await loadSnapshot(t.path);
    const after = snapshotCacheStats();
    expect(snap.version).toBe(9);
    expect(after.misses).toBe(before.misses);
    expect(after.replays).toBeGreaterThanOrEqual(before.replays + 2);
    expect(after.hits).toBeGreaterThan(before.hits);
    expect(state(snap)).toEqual(state(await cold(t.path)));
    expect([...snap.files.values()].map((a) => a.partitionValues.p).sort()).toEqual(['a', 'a', 'c']);
    expect(snap.txns.get('w')?.version).toBe(6);
    expect((await t.read()).map((r) => Number(r.x)).sort((x, y) => x - y)).toEqual([5, 8, 100]);
  });

  it("sees another process's commits", async () => {
    const t = await table();
    await t.append([{ p: 'a', x: 1 }]);
    const mine = await loadSnapshot(t.path);
    expect(mine.version).toBe(1);
    const before = snapshotCacheStats();
    const script = join(root, 'other-writer.mts');
    writeFileSync(script, `import { DeltaTable } from ${JSON.stringify(resolve('engine/lake/delta/table.ts'))};
const t = await DeltaTable.open(process.argv[2]);
for (let i = 0; i < 3; i++) await t.append([{ p: 'other', x: 10 + i }]);
`);
    execFileSync(process.execPath, ['--import', 'tsx', script, t.path], { stdio: 'pipe' });
    const seen = await loadSnapshot(t.path);
    expect(seen.version).toBe(4);
    expect(seen.files.size).toBe(4);
    expect(snapshotCacheStats()).toMatchObject({ misses: before.misses, replays: before.replays + 1 });
    expect(state(seen)).toEqual(state(await cold(t.path)));
    expect((await t.read()).map((r) => Number(r.x)).sort((x, y) => x - y)).toEqual([1, 10, 11, 12]);
  }, 30_000);

  it('leaves time travel exact and the cached latest in place', async () => {
    const t = await table();
    for (let i = 0; i < 4; i++) await t.append([{ p: 'a', x: i }]);
    const latest = await loadSnapshot(t.path);
    for (let v = 0; v <= 4; v++) {
      const s = await t.snapshot({ version: v });
      expect(s.version).toBe(v);
      expect(s.files.size).toBe(v);
      expect(state(s)).toEqual(state(await cold(t.path, v)));
    }
    const hits = snapshotCacheStats().hits;
    expect(state(await loadSnapshot(t.path))).toEqual(state(latest));
    expect(snapshotCacheStats().hits).toBe(hits + 1);
    // Beyond the latest: the same error as without a cache (the probe falls back to the listing).
    await expect(loadSnapshot(t.path, 5)).rejects.toThrow(/version 5 does not exist \(latest is 4\)/);
  });

  it('notices a table deleted and recreated at the same path', async () => {
    const t = await table();
    await t.append([{ p: 'a', x: 1 }]);
    await t.append([{ p: 'a', x: 2 }]);
    expect((await loadSnapshot(t.path)).files.size).toBe(2);
    rmSync(t.path, { recursive: true, force: true });
    // Same path, fewer versions; then the same version count as the cached one.
    const again = await DeltaTable.create(t.path, [...COLS, { name: 'y', type: 'long', nullable: true }], { partitionBy: ['p'] });
    expect((await loadSnapshot(t.path)).fields.map((f) => f.name)).toEqual(['p', 'x', 'y']);
    await again.append([{ p: 'z', x: 9, y: 9 }]);
    await again.append([{ p: 'z', x: 8, y: 8 }]);
    expect((await loadSnapshot(t.path)).version).toBe(2);
    // A different table with the same version count swapped in, without any load in between.
    const staging = join(root, `staging-${n++}`);
    const third = await DeltaTable.create(staging, COLS, { partitionBy: ['p'] });
    await third.append([{ p: 'q', x: 1 }]);
    await third.append([{ p: 'q', x: 2 }, { p: 'r', x: 3 }]);
    rmSync(t.path, { recursive: true, force: true });
    renameSync(staging, t.path);
    const s = await loadSnapshot(t.path);
    expect(s.version).toBe(2);
    expect([...s.files.values()].map((a) => a.partitionValues.p).sort()).toEqual(['q', 'q', 'r']);
    expect(state(s)).toEqual(state(await cold(t.path)));
  });

  it('is bounded by table count and file count (LRU)', async () => {
    const a = await table();
    const b = await table();
    const c = await table();
    for (const t of [a, b, c]) await t.append([{ p: 'a', x: 1 }, { p: 'b', x: 2 }]);
    configureSnapshotCache({ maxTables: 2 });
    clearSnapshotCache();
    await loadSnapshot(a.path);
    await loadSnapshot(b.path);
    await loadSnapshot(a.path); // a is now the most recently used
    await loadSnapshot(c.path); // evicts b
    expect(snapshotCacheStats()).toMatchObject({ tables: 2, files: 4 });
    await loadSnapshot(a.path);
    const misses = snapshotCacheStats().misses;
    await loadSnapshot(b.path);
    expect(snapshotCacheStats().misses).toBe(misses + 1);
    configureSnapshotCache({ maxTables: 32, maxFiles: 3 });
    expect(snapshotCacheStats().tables).toBe(1);
    expect(snapshotCacheStats().files).toBeLessThanOrEqual(3);
  });
});

describe('sharedSnapshot', () => {
  it('hands every reader the cached state itself, which later commits and copies leave alone', async () => {
    const t = await table();
    await t.append([{ p: 'a', x: 1 }]);
    const a = await sharedSnapshot(t.path);
    const b = await sharedSnapshot(t.path);
    expect(b.files).toBe(a.files); // no copy per call
    expect(b.fields).toBe(a.fields); // schema parsed once per state
    const own = await loadSnapshot(t.path);
    expect(own.files).not.toBe(a.files);
    own.files.clear(); // a caller's copy is its own
    await t.append([{ p: 'b', x: 2 }]);
    expect(a.files.size).toBe(1); // the state a reader holds does not move under it
    const c = await sharedSnapshot(t.path);
    expect(c.version).toBe(a.version + 1);
    expect([...c.files.keys()]).toEqual([...(await cold(t.path)).files.keys()]);
    expect(c.fields).toEqual(a.fields);
  });
});

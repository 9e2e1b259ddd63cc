/**
 * Reading one partition by equality on every partition column goes through a per-version index of
 * the snapshot's files (table.ts `filesByPartition`); it must select exactly the files, in the
 * same order, that the general predicate filter selects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DeltaTable } from './table.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-delta-pindex-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const COLUMNS = [
  { name: 'd', type: 'date', nullable: false },
  { name: 's', type: 'string', nullable: true },
  { name: 'v', type: 'long', nullable: false },
];
const DAYS = ['2024-01-02', '2024-01-03', '2024-02-29'];
const KEYS = ['a', 'b=c/d e%', null, ''];

function batch(n: number) {
  return Array.from({ length: 24 }, (_, i) => ({ d: DAYS[i % 3], s: KEYS[(i >> 1) % 4], v: n * 100 + i }));
}

it('an exact partition read selects the files (and order) the predicate filter selects', async () => {
  const t = await DeltaTable.create(join(root, 't'), COLUMNS, { partitionBy: ['d', 's'] });
  for (let n = 0; n < 3; n++) await t.append(batch(n));
  await t.replaceWhere({ d: '2024-01-03' }, batch(9).filter((r) => r.d === '2024-01-03'));
  const check = async () => {
    let seen = 0;
    for (const d of [...DAYS, '2024-03-01', new Date(Date.UTC(2024, 1, 29))])
      for (const s of [...KEYS, 'zz']) {
        const dayText = d instanceof Date ? d.toISOString().slice(0, 10) : d;
        const viaIndex = await t.read({ partitions: { d, s } });
        const viaFilter = await t.read({ partitions: (pv) => pv.d === dayText && pv.s === (s === '' ? null : s) });
        expect(viaIndex).toEqual(viaFilter);
        seen += viaIndex.length;
      }
    return seen;
  };
  // '' and null both land in the null partition (Delta writes an empty value as null).
  expect(await check()).toBeGreaterThan(0);
  // The same table object after another commit: the index follows the new version.
  await t.append(batch(5));
  const before = (await t.read({ partitions: { d: '2024-01-02', s: 'a' } })).length;
  expect(before).toBe((await t.read({ partitions: (pv) => pv.d === '2024-01-02' && pv.s === 'a' })).length);
  expect(await check()).toBeGreaterThan(0);
});

it('partial or range predicates still filter (and name a bad column)', async () => {
  const t = await DeltaTable.open(join(root, 't'));
  const days = await t.read({ partitions: { d: '2024-01-02' } });
  expect(days.length).toBeGreaterThan(0);
  expect(days.every((r) => r.d === '2024-01-02')).toBe(true);
  await expect(t.read({ partitions: { d: '2024-01-02', v: 1 } })).rejects.toThrow(/'v' is not a partition column/);
});

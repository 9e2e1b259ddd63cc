/**
 * Shared fixture of the pool's tests (pool.test.ts, offload.test.ts): a temporary root whose
 * pool settings are restored afterwards, a Gold-like schema, rows of several kinds of values with
 * nulls, repetitive and distinct strings, and what a written table's files hold.
 */
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table, type ColumnTable } from 'arquero';
import { afterAll } from 'vitest';
import type { DeltaTable } from '../table.ts';
import { configureDeltaPool } from './pool.ts';

/** A temporary directory, removed after the file's tests, which also stop its workers and restore the pool settings. */
export function poolTestRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const defaults = configureDeltaPool({});
  afterAll(() => {
    configureDeltaPool({ ...defaults, workers: 0 }); // terminates this file's workers
    configureDeltaPool(defaults);
    rmSync(root, { recursive: true, force: true });
  });
  return root;
}

export const COLUMNS = [
  { name: 'd', type: 'date', nullable: false },
  { name: 'sym', type: 'string', nullable: false },
  { name: 'px', type: 'decimal(18,4)', nullable: false },
  { name: 'mv', type: 'decimal(24,4)', nullable: true },
  { name: 'pe', type: 'decimal(18,4)', nullable: true },
  { name: 'vol', type: 'long', nullable: false },
  { name: 'x', type: 'double', nullable: true },
  { name: 'src', type: 'string', nullable: true },
  { name: 'ts', type: 'timestamp', nullable: false },
  { name: 'ok', type: 'boolean', nullable: true },
  { name: 'n', type: 'integer', nullable: true },
];

/**
 * `days × perDay` rows in day order from `first` (a date), numbers of several kinds, nulls,
 * repetitive and distinct strings.
 * @example rows(2) // 600 rows: 2024-01-02 and 2024-01-03
 */
export function rows(days: number, perDay = 300, first = '2024-01-02'): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const day0 = Date.parse(`${first}T00:00:00Z`);
  for (let d = 0; d < days; d++) {
    const ts = new Date(day0 + d * 86_400_000 + 8 * 3_600_000 + 123);
    for (let s = 0; s < perDay; s++) {
      const i = d * perDay + s;
      out.push({
        d: new Date(day0 + d * 86_400_000).toISOString().slice(0, 10),
        sym: `${600000 + s}.SH`,
        px: (1000 + ((i * 7919) % 100000)) / 100,
        mv: i % 5 === 0 ? null : 81234567890.1234 + i,
        pe: i % 3 === 0 ? null : (i % 701) / 7,
        vol: i * 100,
        x: i % 4 === 0 ? null : i % 11 === 0 ? -0 : i / 8,
        src: i % 7 === 0 ? null : ['miniQMT', 'Tushare', '中文'][i % 3],
        ts,
        ok: i % 6 === 0 ? null : i % 2 === 0,
        n: i % 9 === 0 ? null : i - 5000,
      });
    }
  }
  return out;
}

/** Columns as operators build them: null-free numbers as Float64Array, the rest plain arrays. */
export function asTable(rs: Record<string, unknown>[]): ColumnTable {
  const cols: Record<string, unknown> = {};
  for (const { name } of COLUMNS) {
    const c = rs.map((r) => r[name]);
    cols[name] = c.every((v) => typeof v === 'number') ? Float64Array.from(c as number[]) : c;
  }
  return table(cols as Record<string, unknown[]>);
}

/** Per add, in commit order: partition values, size, stats and the file's bytes. */
export async function filesOf(t: DeltaTable) {
  return Promise.all((await t.files()).map(async (f) => ({ pv: f.add.partitionValues, size: f.add.size, stats: f.add.stats, bytes: await fs.readFile(f.path) })));
}

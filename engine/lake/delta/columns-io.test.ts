/**
 * The column paths of DeltaTable: writing an Arquero table gives the same files and stats as
 * writing the same rows as records, with the same schema errors; readTable gives the same values
 * as read, with Float64Array where the files prove a numeric column null-free.
 */
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from 'arquero';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable } from './table.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-delta-cols-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const COLUMNS = [
  { name: 'd', type: 'date', nullable: false },
  { name: 'sym', type: 'string', nullable: false },
  { name: 'px', type: 'decimal(18,4)', nullable: false },
  { name: 'big', type: 'decimal(24,4)', nullable: true },
  { name: 'vol', type: 'long', nullable: false },
  { name: 'x', type: 'double', nullable: true },
  { name: 'src', type: 'string', nullable: true },
  { name: 'ts', type: 'timestamp', nullable: false },
  { name: 'ok', type: 'boolean', nullable: true },
];

/** 3 dates × 40 symbols, interleaved (partitions are not contiguous runs), with nulls. */
function rows() {
  return Array.from({ length: 120 }, (_, i) => ({
    d: `2024-01-0${2 + (i % 3)}`,
    sym: `${600000 + Math.floor(i / 3)}.SH`,
    px: (1000 + ((i * 7919) % 1000)) / 100,
    big: i % 5 === 0 ? null : 81234567890123.45 + i,
    vol: i * 100,
    x: i % 4 === 0 ? null : i / 8,
    src: i % 7 === 0 ? null : ['miniQMT', 'Tushare'][i % 2],
    ts: new Date(Date.UTC(2024, 0, 2, 8, 0, 0, i)),
    ok: i % 6 === 0 ? null : i % 2 === 0,
  }));
}

/** The rows as columns: null-free numbers as Float64Array, the rest plain arrays. */
function asTable(rs: Record<string, unknown>[]) {
  const cols: Record<string, unknown> = {};
  for (const { name } of COLUMNS) {
    const c = rs.map((r) => r[name]);
    cols[name] = c.every((v) => typeof v === 'number') ? Float64Array.from(c as number[]) : c;
  }
  return table(cols as Record<string, unknown[]>);
}

async function filesOf(t: DeltaTable) {
  const files = await t.files();
  const out = new Map<string, { bytes: Buffer; stats: unknown }>();
  for (const f of files) {
    out.set(JSON.stringify(f.add.partitionValues), { bytes: await fs.readFile(f.path), stats: JSON.parse(f.add.stats!) });
  }
  return out;
}

describe('DeltaTable column paths', () => {
  it('writes an Arquero table to the same files, stats and values as the same records', async () => {
    const data = rows();
    const byRecords = await DeltaTable.create(join(root, 'rec'), COLUMNS, { partitionBy: ['d'] });
    const byColumns = await DeltaTable.create(join(root, 'col'), COLUMNS, { partitionBy: ['d'] });
    expect((await byRecords.append(data)).rows).toBe(120);
    expect(await byColumns.append(asTable(data))).toMatchObject({ rows: 120, files: 3, skipped: false });
    const a = await filesOf(byRecords);
    const b = await filesOf(byColumns);
    expect([...b.keys()].sort()).toEqual(['{"d":"2024-01-02"}', '{"d":"2024-01-03"}', '{"d":"2024-01-04"}']);
    for (const [k, f] of a) {
      expect(b.get(k)!.stats, k).toEqual(f.stats);
      expect(Buffer.compare(b.get(k)!.bytes, f.bytes), `${k}: data file bytes`).toBe(0);
    }
    const s = a.get('{"d":"2024-01-02"}')!.stats as Record<string, Record<string, unknown>>;
    expect(s.numRecords).toBe(40);
    expect(s.nullCount).toMatchObject({ big: 8, x: 10, src: 6 });
    const sortKey = (r: Record<string, unknown>) => `${r.d}|${r.sym}`;
    const back = (await byColumns.read()).sort((x, y) => sortKey(x).localeCompare(sortKey(y)));
    expect(back).toEqual([...data].sort((x, y) => sortKey(x).localeCompare(sortKey(y))));
  });

  it('refuses bad columns naming the column (and row), like the record path', async () => {
    const t = await DeltaTable.create(join(root, 'bad'), COLUMNS, { partitionBy: ['d'] });
    const good = rows().slice(0, 3);
    const withCol = (name: string, values: unknown[]) => asTable(good).assign({ [name]: values });
    await expect(t.append(withCol('px', [1, 'x', 2]))).rejects.toThrow(/column 'px': 'x' is not a decimal number/);
    await expect(t.append(withCol('sym', ['a', null, 'c']))).rejects.toThrow(/column 'sym': null in a non-nullable column \(row 1\)/);
    await expect(t.append(withCol('extra', [undefined, 5, undefined]))).rejects.toThrow(
      /column 'extra' is not in the table schema \(row 1\)/,
    );
    await expect(t.append(withCol('d', ['2024-01-02', null, '2024-01-02']))).rejects.toThrow(
      /column 'd': null in a non-nullable partition column \(row 1\)/,
    );
    await expect(t.append(withCol('ok', [true, 1, false]))).rejects.toThrow(/column 'ok': expected a boolean, got number 1/);
    expect(await t.version()).toBe(0); // nothing committed
    // A column of only undefined is an absent column, as an absent key is for records.
    expect((await t.append(withCol('extra', [undefined, undefined, undefined]))).rows).toBe(3);
  });

  it('replaceWhere and overwrite take tables; rows outside the predicate are refused', async () => {
    const t = await DeltaTable.create(join(root, 'rw'), COLUMNS, { partitionBy: ['d'] });
    await t.append(asTable(rows()));
    const day3 = rows().filter((r) => r.d === '2024-01-03').map((r) => ({ ...r, vol: 1 }));
    await t.replaceWhere({ d: '2024-01-03' }, asTable(day3));
    const got = await t.read({ partitions: { d: '2024-01-03' } });
    expect(got).toHaveLength(40);
    expect(got.every((r) => r.vol === 1)).toBe(true);
    await expect(t.replaceWhere({ d: '2024-01-03' }, asTable(rows().slice(0, 2)))).rejects.toThrow(
      /replaceWhere: a record with \{"d":"2024-01-0[24]"\} falls outside the predicate/,
    );
    await t.overwrite(asTable(day3.slice(0, 5)));
    expect(await t.read()).toHaveLength(5);
  });

  it('readTable returns the read() values, Float64Array where the files prove no nulls', async () => {
    const t = await DeltaTable.create(join(root, 'rt'), COLUMNS, { partitionBy: ['d'] });
    await t.append(rows());
    const cols = await t.readTable();
    expect(cols.column('px')).toBeInstanceOf(Float64Array);
    expect(Array.isArray(cols.column('big'))).toBe(true); // has nulls
    expect(Array.isArray(cols.column('x'))).toBe(true); // has nulls
    expect(Array.isArray(cols.column('vol'))).toBe(true); // longs may be bigints
    expect(cols.objects()).toEqual(await t.read());
    // With decimals as exact strings, decimal columns are strings again.
    const exact = await t.readTable({ decimals: 'string', columns: ['px'] });
    expect(Array.isArray(exact.column('px'))).toBe(true);
    expect(typeof (exact.column('px') as unknown as unknown[])[0]).toBe('string');
    // A nullable column is typed while every file's statistics say null_count 0, plain after a null.
    const n = await DeltaTable.create(join(root, 'rt2'), COLUMNS, { partitionBy: ['d'] });
    await n.append(rows().map((r) => ({ ...r, x: 1.5 })));
    expect((await n.readTable({ columns: ['x'] })).column('x')).toBeInstanceOf(Float64Array);
    await n.append([{ ...rows()[0], x: null }]);
    const withNull = (await n.readTable({ columns: ['x'] })).column('x') as unknown as unknown[];
    expect(Array.isArray(withNull)).toBe(true);
    expect(withNull.filter((v) => v === null)).toHaveLength(1);
  });
});

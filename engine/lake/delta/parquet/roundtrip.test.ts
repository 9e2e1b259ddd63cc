import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { primOf } from '../values.ts';
import type { ColumnSpec } from './columns.ts';
import { decimalWidth } from './columns.ts';
import { parquetMeta, readParquet } from './read.ts';
import { writeParquet } from './write.ts';

const spec = (name: string, type: string, nullable = true): ColumnSpec => ({ name, prim: primOf(type), nullable });

describe('flat Parquet writer + fast reader', () => {
  it('round-trips every type with nulls, dictionary and plain strings, across row groups', async () => {
    const specs = [
      spec('s', 'string'), spec('l', 'long', false), spec('i', 'integer'), spec('f', 'float'), spec('d', 'double'),
      spec('bo', 'boolean'), spec('bin', 'binary'), spec('dt', 'date'), spec('ts', 'timestamp'),
      spec('d9', 'decimal(9,2)'), spec('d18', 'decimal(18,4)'), spec('d22', 'decimal(22,4)'), spec('d38', 'decimal(38,10)'),
    ];
    const rows = Array.from({ length: 300 }, (_, k) => ({
      s: k % 7 === 0 ? null : k < 150 ? `sym${k % 5}` : `unique-${k}-é`,
      l: k === 3 ? -9223372036854775808n : k === 4 ? 9007199254740993n : k * 1000,
      i: k % 9 ? -k : null,
      f: k / 8,
      d: k % 5 ? k * 0.1 : null,
      bo: k % 4 === 0 ? null : k % 2 === 0,
      bin: k % 6 ? new Uint8Array([k & 255, 1]) : null,
      dt: k % 3 ? '2024-02-29' : null,
      ts: k % 2 ? new Date(Date.UTC(2020, 0, 1) + k * 1000) : null,
      d9: k % 2 ? '-1234567.89' : '0.01',
      d18: k % 10 ? (k * 1.0001).toFixed(4) : null,
      d22: k % 3 ? '-123456789012345678.1234' : '1.0000',
      d38: k % 4 ? '1234567890123456789012345678.0123456789' : null,
    }));
    const file = writeParquet(specs, rows, { rowGroupRows: 128 });
    for (const decimals of ['string', 'number'] as const) {
      const { numRows, columns } = await readParquet(file.bytes, specs.map((s) => ({ name: s.name, prim: s.prim })), { decimals });
      expect(numRows).toBe(300);
      rows.forEach((r, k) => {
        specs.forEach((s, c) => {
          const got = columns[c][k];
          const want = (r as Record<string, unknown>)[s.name];
          if (want === null) return expect(got, `${s.name}[${k}]`).toBeNull();
          if (s.prim.kind === 'decimal') {
            if (decimals === 'number') return expect(got, `${s.name}[${k}]`).toBe(Number(want));
            expect(got, `${s.name}[${k}]`).toMatch(new RegExp(`^-?\\d+\\.\\d{${s.prim.scale}}$`));
            return expect(Number(got)).toBe(Number(want));
          }
          if (s.name === 'f') return expect(got).toBe(Math.fround(want as number));
          expect(got, `${s.name}[${k}]`).toEqual(want);
        });
      });
    }
    const exact = await readParquet(file.bytes, [{ name: 'd38', prim: primOf('decimal(38,10)') }, { name: 'd22', prim: primOf('decimal(22,4)') }], { decimals: 'string' });
    expect(exact.columns[0][1]).toBe('1234567890123456789012345678.0123456789');
    expect(exact.columns[1][1]).toBe('-123456789012345678.1234');
  });

  it('computes exact statistics (nulls, min/max; none for NaN)', () => {
    const f = writeParquet([spec('x', 'double'), spec('y', 'decimal(22,4)'), spec('s', 'string')], [
      { x: 1, y: '-5.5', s: 'b' }, { x: NaN, y: null, s: 'a' }, { x: 3, y: '123456789012345678.0001', s: null },
    ]);
    expect(f.columns[0]).toMatchObject({ nullCount: 0, min: undefined, max: undefined });
    expect(f.columns[1]).toMatchObject({ nullCount: 1, min: -55000, max: 1234567890123456780001n });
    expect(f.columns[2].nullCount).toBe(1);
    expect(Buffer.from(f.columns[2].min as Uint8Array).toString()).toBe('a');
  });

  it('refuses nulls in required columns and wrong types, naming the column', () => {
    expect(() => writeParquet([spec('k', 'long', false)], [{ k: null }])).toThrow(/column 'k': null in a non-nullable column/);
    expect(() => writeParquet([spec('k', 'long')], [{ k: 1.5 }])).toThrow(/column 'k': expected an integer/);
    expect(() => writeParquet([spec('b', 'boolean')], [{ b: 'yes' }])).toThrow(/column 'b': expected a boolean/);
  });

  it('uses the minimal decimal width and round-trips random decimals exactly', async () => {
    expect(decimalWidth(19)).toBe(9);
    expect(decimalWidth(22)).toBe(10);
    expect(decimalWidth(38)).toBe(16);
    await fc.assert(fc.asyncProperty(fc.array(fc.bigInt({ min: -(10n ** 24n) + 1n, max: 10n ** 24n - 1n }), { minLength: 1, maxLength: 50 }), async (us) => {
      const s = spec('v', 'decimal(24,4)');
      const rows = us.map((u) => ({ v: `${u < 0n ? '-' : ''}${(u < 0n ? -u : u) / 10000n}.${String((u < 0n ? -u : u) % 10000n).padStart(4, '0')}` }));
      const { columns } = await readParquet(writeParquet([s], rows).bytes, [{ name: 'v', prim: s.prim }], { decimals: 'string' });
      expect(columns[0]).toEqual(rows.map((r) => r.v.replace(/^-0\.0000$/, '0.0000')));
    }), { numRuns: 50 });
  });

  it('writes wide decimals from numbers exactly as from their decimal text (fast path = exact path)', async () => {
    const s = spec('v', 'decimal(24,4)');
    const s8 = spec('w', 'decimal(38,6)');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.double({ min: -1e19, max: 1e19, noNaN: true }),
            fc.integer({ min: -1e9, max: 1e9 }).map((i) => i * 1e6 + 0.45),
            fc.constantFrom(81234567890123.45, -81234567890123.45, 0, -0, 0.00005, 1.00015, 99999999999999.9999, 21160522027.09675),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        async (xs) => {
          const nums = xs.map((v) => ({ v, w: v }));
          const texts = xs.map((v) => ({ v: String(v), w: String(v) }));
          const a = writeParquet([s, s8], nums);
          const b = writeParquet([s, s8], texts);
          expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
          expect(a.columns.map((c) => [c.min, c.max])).toEqual(b.columns.map((c) => [c.min, c.max]));
        },
      ),
      { numRuns: 200 },
    );
    expect(() => writeParquet([spec('v', 'decimal(10,4)')], [{ v: 1234567.5 }])).toThrow(/column 'v': .* does not fit decimal\(10,4\)/);
  });

  it('dictionary-encodes repetitive numeric columns (not the others) and round-trips them', async () => {
    const specs = [
      spec('l', 'long'), spec('d', 'double'), spec('f', 'float'), spec('i', 'integer'),
      spec('p', 'decimal(18,4)'), spec('ts', 'timestamp', false), spec('u', 'long', false),
    ];
    const rows = Array.from({ length: 500 }, (_, k) => ({
      l: k % 9 === 0 ? null : [5, -7, 9007199254740993n][k % 3],
      d: k % 11 === 0 ? null : [0.1, -0, NaN, 1e300][k % 4],
      f: [1.5, 2.5][k % 2],
      i: k % 7 === 0 ? null : (k % 5) - 2,
      p: k % 4 === 0 ? null : ['12.3400', '-0.0001'][k % 2],
      ts: new Date(Date.UTC(2024, 0, 2, 8, 0, 0, k % 3)),
      u: k * 1000, // distinct: PLAIN
    }));
    const file = writeParquet(specs, rows);
    const meta = parquetMeta(file.bytes);
    const encodings = Object.fromEntries(meta.row_groups[0].columns.map((c) => [c.meta_data!.path_in_schema[0], c.meta_data!.encodings]));
    for (const name of ['l', 'd', 'f', 'i', 'p', 'ts']) expect(encodings[name], name).toContain('RLE_DICTIONARY');
    expect(encodings.u).not.toContain('RLE_DICTIONARY');
    const { columns } = await readParquet(file.bytes, specs.map((s) => ({ name: s.name, prim: s.prim })), { decimals: 'string' });
    rows.forEach((r, k) => {
      expect(columns[0][k], `l[${k}]`).toEqual(r.l);
      expect(Object.is(columns[1][k], r.d), `d[${k}]`).toBe(true); // -0 and NaN kept
      expect(columns[2][k]).toBe(r.f);
      expect(columns[3][k]).toBe(r.i);
      expect(columns[4][k]).toBe(r.p);
      expect(columns[5][k]).toEqual(r.ts);
      expect(columns[6][k]).toBe(r.u);
    });
    expect(file.columns[0]).toMatchObject({ nullCount: 56, min: -7, max: 9007199254740993n });
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ColumnTable } from 'arquero';
import type { BatchTransform, Emit, Rec } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { emitter, runTransform, testBatch } from '../../engine/testing/drivers.ts';
import explode from './explode.ts';

describe('explode', () => {
  it('emits one record per element with carried fields, bad elements to error', async () => {
    const out = await runTransform(
      explode,
      { field: 'rows', carry: { dataset: 'dataset', event_symbol: 'symbol' } },
      [
        { dataset: 'daily', symbol: 's', rows: [{ close: 1, dataset: 'x' }, 7, { close: 2 }] },
        { dataset: 'daily', rows: [] },
        { dataset: 'daily' },
      ],
    );
    expect(out.out).toEqual([
      { close: 1, dataset: 'daily', event_symbol: 's' },
      { close: 2, dataset: 'daily', event_symbol: 's' },
    ]);
    expect(out.error.map((e) => e.reason)).toEqual(['rows[1] is not an object', 'field rows is missing']);
  });
});

describe('explode, column-wise', () => {
  it('emits one table whose columns are the union of the element keys; missing keys stay absent', async () => {
    const t = await explode.create({ field: 'rows', carry: { src: 'source' } }, testContext());
    const { emit, rows } = emitter();
    const tables: number[] = [];
    const collect = Object.assign((r: Rec, p?: string) => emit(r, p), {
      table: (tb: ColumnTable, p?: string) => (tables.push(tb.numRows()), emit.table(tb, p)),
    });
    await (t as BatchTransform).process(
      testBatch([
        {
          source: 'a',
          rows: [
            { x: 1, y: 2 },
            { x: 3, z: 'q' },
          ],
        },
        { source: 'b', rows: [{ y: null }, { x: 5, y: 6, src: 'overridden' }] },
      ]),
      collect as Emit,
    );
    expect(tables).toEqual([4]);
    expect(rows('out')).toStrictEqual([
      { x: 1, y: 2, z: undefined, src: 'a' },
      { x: 3, y: undefined, z: 'q', src: 'a' },
      { x: undefined, y: null, z: undefined, src: 'b' },
      { x: 5, y: 6, z: undefined, src: 'b' },
    ]);
    expect(rows('out').map((r) => Object.keys(r).filter((k) => r[k] !== undefined))).toEqual([
      ['x', 'y', 'src'],
      ['x', 'z', 'src'],
      ['y', 'src'],
      ['x', 'y', 'src'],
    ]);
  });
});

describe('explode, typed columns', () => {
  const run = async (events: Rec[]) => {
    const t = (await explode.create(
      { field: 'rows', carry: { src: 'source' } },
      testContext(),
    )) as BatchTransform;
    const { emit, rows, tables } = emitter();
    await t.process(testBatch(events), emit);
    return { rows: rows('out'), errors: rows('error'), table: tables('out')[0] };
  };

  it('keeps all-number fields in Float64Arrays and falls back to plain arrays at the first non-number', async () => {
    const { table } = await run([
      { source: 'a', rows: [{ close: 1.5, vol: 2, code: 'x' }] },
      { source: 'b', rows: [{ close: -0, vol: null, code: 'y' }, { close: 3 }] },
    ]);
    expect(table.column('close')).toBeInstanceOf(Float64Array);
    expect(Array.from(table.column('close') as unknown as Float64Array)).toEqual([1.5, -0, 3]);
    expect(Array.isArray(table.column('vol'))).toBe(true);
    expect(Array.from(table.column('vol') as unknown as unknown[])).toEqual([2, null, undefined]);
    expect(Array.isArray(table.column('code'))).toBe(true);
  });

  it('equals a row-by-row reference on random events (numbers, −0, NaN, text, nulls, missing keys)', async () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(-0, NaN, Infinity),
      fc.string({ maxLength: 2 }),
      fc.constant(null),
      fc.constant(undefined),
    );
    const row = fc.oneof(
      { weight: 9, arbitrary: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'src'), value, { maxKeys: 4 }) },
      { weight: 1, arbitrary: value },
    );
    const event = fc.record(
      { source: fc.oneof(fc.string({ maxLength: 2 }), fc.double()), rows: fc.array(row, { maxLength: 5 }) },
      { requiredKeys: ['rows'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 6 }), async (events) => {
        const { rows, errors } = await run(events);
        // Reference: the union of the element keys in first-seen order, then the carried field.
        const items = events.flatMap((e) =>
          e.rows.filter((r) => r !== null && typeof r === 'object').map((r) => [r as Rec, e] as const),
        );
        const names = [...new Set(items.flatMap(([r]) => Object.keys(r)).filter((k) => k !== 'src'))];
        const expected = items.map(([r, e]) => ({
          ...Object.fromEntries(names.map((k) => [k, r[k]])),
          src: e.source ?? null,
        }));
        expect(rows).toHaveLength(expected.length);
        rows.forEach((r, i) => {
          expect(Object.keys(r)).toEqual([...names, 'src']);
          for (const k of Object.keys(r))
            expect(Object.is(r[k], expected[i][k as keyof (typeof expected)[number]])).toBe(true);
        });
        expect(errors.length).toBe(
          events.reduce((n, e) => n + e.rows.filter((r) => r === null || typeof r !== 'object').length, 0),
        );
      }),
      { numRuns: 500 },
    );
  });
});

import { describe, expect, it } from 'vitest';
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

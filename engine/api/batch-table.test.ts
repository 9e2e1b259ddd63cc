import { table } from 'arquero';
import { describe, expect, it } from 'vitest';
import {
  Ack,
  column,
  columnsOf,
  concatTables,
  fork,
  merge,
  rowCount,
  settle,
  tableBatch,
  tableFromRecords,
} from './batch.ts';

const acked = () => {
  const outcomes: string[] = [];
  return { ack: new Ack((o) => outcomes.push(o)), outcomes };
};

describe('column batches', () => {
  it('materialises records lazily and once per table', () => {
    const t = table({ a: Float64Array.from([1, 2]), b: ['x', null] });
    const b = tableBatch(t, {}, []);
    expect(rowCount(b)).toBe(2);
    expect(b.records).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: null },
    ]);
    expect(tableBatch(t, {}, []).records).toBe(b.records);
  });

  it('a spread keeps the records and drops the table, so they never disagree', () => {
    const b = tableBatch(table({ a: [1] }), {}, []);
    const copy = { ...b, records: [{ a: 2 }] };
    expect(copy.table).toBeUndefined();
    expect(copy.records).toEqual([{ a: 2 }]);
  });

  it('reifies filtered tables so columns match the rows', () => {
    const t = table({ a: [1, 2, 3] }).filter((d: { a: number }) => d.a > 1);
    const b = tableBatch(t, {}, []);
    expect(Array.from(column<number>(b.table!, 'a')!)).toEqual([2, 3]);
  });

  it('columnsOf builds columns from records (union of keys) and remembers them', () => {
    const b = { records: [{ a: 1 }, { b: 'y' }], meta: {}, acks: [] };
    const t = columnsOf(b);
    expect(t.columnNames()).toEqual(['a', 'b']);
    expect(t.objects()).toEqual([
      { a: 1, b: undefined },
      { a: undefined, b: 'y' },
    ]);
    expect(columnsOf(b)).toBe(t);
  });

  it('concatenates tables with the union of columns, keeping typed columns typed', () => {
    const t = concatTables([
      table({ a: Float64Array.from([1]), b: ['x'] }),
      table({ a: Float64Array.from([2, 3]) }),
    ]);
    expect(t.column('a')).toBeInstanceOf(Float64Array);
    expect(t.objects()).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: undefined },
      { a: 3, b: undefined },
    ]);
  });

  it('fork and merge keep columns and the acknowledgement accounting', () => {
    const { ack, outcomes } = acked();
    const b = tableBatch(tableFromRecords([{ a: 1 }, { a: 2 }]), { offsets: [] }, [ack]);
    const [x, y] = fork(b, 2);
    expect(x.table).toBe(b.table);
    const m = merge([x, y]);
    expect(m.table?.numRows()).toBe(4);
    settle(m, 'delivered');
    expect(outcomes).toEqual(['delivered']);
  });

  it('merge of record and column batches gives records', () => {
    const m = merge([tableBatch(table({ a: [1] }), {}, []), { records: [{ a: 2 }], meta: {}, acks: [] }]);
    expect(m.table).toBeUndefined();
    expect(m.records).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

/**
 * Column transport between threads: what a worker rebuilds is what the encoder or the reader's
 * caller would have seen (values, missing values, Date times and sharing), across a real
 * structured clone; columns that cannot travel exactly are refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mirrorStrings, packMaskedNumbers, packReadColumn, packWriteColumn, StringTable, unpackReadColumn, unpackWriteColumn } from './transport.ts';

/** Values as the column encoder reads them: null and undefined are both "missing". */
function encoderView(v: unknown): unknown {
  if (v == null) return null;
  if (v instanceof Date) return { date: v.getTime() };
  if (v instanceof Uint8Array) return { bytes: [...v] };
  return v;
}

const value = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, NaN, Infinity),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.boolean(),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 4 }),
  fc.constantFrom(null, undefined),
);
/** Columns of one kind (the usual case) or mixed ones. */
const column = fc.oneof(
  fc.array(fc.oneof(fc.double(), fc.constant(null)), { maxLength: 60 }),
  fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(null), fc.constant(undefined)), { maxLength: 60 }),
  fc.array(fc.oneof(fc.date({ noInvalidDate: false }), fc.constant(null)), { maxLength: 60 }),
  fc.array(fc.oneof(fc.boolean(), fc.constant(null)), { maxLength: 60 }),
  fc.array(value, { maxLength: 60 }),
);

describe('write transport (main → worker)', () => {
  it('rebuilds the rows of a file as the encoder would read them', () => {
    fc.assert(
      fc.property(column, fc.boolean(), fc.integer({ min: 0, max: 3 }), (col, nullable, step) => {
        // Rows of one file: every `step+1`-th row (an index list), or a plain range.
        const idx = Int32Array.from(col.map((_, i) => i).filter((i) => i % (step + 1) === 0));
        const useIdx = step > 0;
        const n = useIdx ? idx.length : col.length;
        const p = packWriteColumn(col, nullable, useIdx ? idx : undefined, 0, n);
        const rows = Array.from({ length: n }, (_, k) => col[useIdx ? idx[k] : k]);
        const missing = rows.some((v) => v == null);
        if (!p) {
          // Refused only for a missing value in a non-nullable column, or a value cloning changes.
          expect((missing && !nullable) || rows.some((v) => typeof v === 'object' && v !== null && !(v instanceof Date) && !(v instanceof Uint8Array))).toBe(true);
          return;
        }
        expect(missing && !nullable).toBe(false);
        const got = unpackWriteColumn(structuredClone(p.packed, { transfer: p.transfer }), n);
        const view = got === undefined ? [] : Array.from({ length: n }, (_, k) => encoderView(got[k]));
        expect(view).toEqual(rows.map(encoderView));
        // -0 and NaN survive (toEqual treats them loosely).
        for (let k = 0; k < n; k++) if (typeof rows[k] === 'number') expect(Object.is(got![k], rows[k])).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('moves typed arrays as Float64Arrays and keeps an absent column absent', () => {
    const p = packWriteColumn(Int32Array.from([5, -3, 7]), false, Int32Array.from([2, 0]), 0, 2)!;
    expect(p.packed).toEqual({ k: 'f64', v: Float64Array.from([7, 5]) });
    expect(p.transfer).toHaveLength(1);
    expect(packWriteColumn(undefined, true, undefined, 0, 3)!.packed).toEqual({ k: 'none' });
    expect(packWriteColumn(undefined, false, undefined, 0, 3)).toBeUndefined();
    expect(packWriteColumn(BigInt64Array.from([1n]), false, undefined, 0, 1)).toBeUndefined();
  });

  it('sends repetitive strings and Dates as a dictionary (by time), distinct ones row by row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('miniQMT', 'Tushare', '', 'é字'), fc.constant(null)), { minLength: 40, maxLength: 120 }),
        fc.array(fc.oneof(fc.constantFrom(0, 1, 86_400_000, NaN), fc.constant(-1)), { minLength: 40, maxLength: 120 }),
        (strs, times) => {
          const ps = packWriteColumn(strs, true, undefined, 0, strs.length)!;
          expect(ps.packed.k).toBe('sdict');
          expect(unpackWriteColumn(structuredClone(ps.packed), strs.length)).toEqual(strs);
          // Equal times in distinct Date objects; -1 stands for a missing value.
          const dates = times.map((t) => (t === -1 ? null : new Date(t)));
          const pd = packWriteColumn(dates, true, undefined, 0, dates.length)!;
          expect(pd.packed.k).toBe('ddict');
          const back = unpackWriteColumn(structuredClone(pd.packed), dates.length)!;
          for (let i = 0; i < dates.length; i++) {
            if (dates[i] === null) expect(back[i]).toBeNull();
            else expect(Object.is((back[i] as Date).getTime(), dates[i]!.getTime())).toBe(true);
          }
        },
      ),
    );
    const symbols = Array.from({ length: 400 }, (_, i) => `${600000 + i}.SH`);
    expect(packWriteColumn(symbols, false, undefined, 0, 400)!.packed.k).toBe('str');
    const stamps = Array.from({ length: 400 }, (_, i) => new Date(i));
    expect(packWriteColumn(stamps, false, undefined, 0, 400)!.packed.k).toBe('date');
  });

  it('sends strings as one joined text and lengths', () => {
    const p = packWriteColumn(['600000.SH', null, 'é字', '', 'x'], true, undefined, 0, 4)!;
    expect(p.packed.k).toBe('str');
    expect(unpackWriteColumn(p.packed, 4)).toEqual(['600000.SH', null, 'é字', '']);
  });
});

describe('read transport (worker → main)', () => {
  it('writes the same values into the caller’s container, at its offset', () => {
    fc.assert(
      fc.property(column, fc.integer({ min: 0, max: 5 }), (col, offset) => {
        const reader = col.map((v) => (v === undefined ? null : v)); // readers give null, not undefined
        const p = packReadColumn(reader.slice());
        const out: unknown[] = new Array(offset + reader.length).fill('before');
        unpackReadColumn(structuredClone(p.packed, { transfer: p.transfer }), out, offset);
        expect(out.slice(0, offset).every((v) => v === 'before')).toBe(true);
        for (let i = 0; i < reader.length; i++) {
          const a = reader[i];
          const b = out[offset + i];
          if (a instanceof Date) expect(b instanceof Date && Object.is(b.getTime(), a.getTime())).toBe(true);
          else if (a instanceof Uint8Array) expect([...(b as Uint8Array)]).toEqual([...a]);
          else expect(Object.is(a, b)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the sharing of Date objects (rows of one dictionary entry share one Date)', () => {
    const a = new Date(Date.UTC(2024, 0, 2, 8));
    const b = new Date(Date.UTC(2024, 0, 3, 8));
    const c = new Date(a.getTime()); // same time, another object
    const col = [a, a, null, b, c, a];
    const p = packReadColumn(col);
    expect(p.packed.k).toBe('dates');
    const out: unknown[] = new Array(6);
    unpackReadColumn(structuredClone(p.packed), out, 0);
    expect(out[0]).toBe(out[1]);
    expect(out[0]).toBe(out[5]);
    expect(out[4]).not.toBe(out[0]);
    expect(out[2]).toBeNull();
    expect((out[3] as Date).getTime()).toBe(b.getTime());
  });

  it('uses a dictionary for repetitive strings and sends mostly distinct ones as they are', () => {
    const rep = Array.from({ length: 100 }, (_, i) => ['miniQMT', 'Tushare', null][i % 3]);
    expect(packReadColumn(rep).packed.k).toBe('dict');
    const uniq = Array.from({ length: 100 }, (_, i) => `${600000 + i}.SH`);
    expect(packReadColumn(uniq).packed.k).toBe('any');
  });

  it('mostly distinct strings cross once per worker (string table and its mirror, with resets)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(fc.constantFrom('a', 'b'), fc.string(), fc.constant(null)), { minLength: 1, maxLength: 40 }), { maxLength: 12 }), fc.integer({ min: 0, max: 30 }), (files, cap) => {
        const table = new StringTable(cap);
        let mirror: string[] = [];
        const answers: { p: ReturnType<typeof packReadColumn>; table: string[]; col: (string | null)[] }[] = [];
        for (const col of files) {
          table.begin();
          const p = packReadColumn(col.slice(), table);
          mirror = mirrorStrings(mirror, table.take()); // as the pool applies an answer on arrival
          answers.push({ p, table: mirror, col });
        }
        // Unpacked later (after more answers, maybe resets): each keeps the table it refers to.
        for (const { p, table: t, col } of answers) {
          const out: unknown[] = new Array(col.length);
          unpackReadColumn(structuredClone(p.packed), out, 0, t);
          expect(out).toEqual(col);
        }
      }),
    );
    const table = new StringTable();
    const symbols = Array.from({ length: 100 }, (_, i) => `${600000 + i}.SH`);
    table.begin();
    expect(packReadColumn(symbols, table).packed.k).toBe('interned');
    expect(table.take()!.fresh).toEqual(symbols);
    table.begin();
    packReadColumn(symbols.slice().reverse(), table);
    expect(table.take()).toBeUndefined(); // nothing new to send
  });

  it('masked numbers: nulls where the mask says, into plain arrays and Float64Arrays', () => {
    const v = Float64Array.from([1.5, 0, -0, NaN]);
    const p = packMaskedNumbers(v, Uint8Array.from([0, 1, 0, 0]));
    const out: unknown[] = new Array(4);
    unpackReadColumn(p.packed, out, 0);
    expect(out[0]).toBe(1.5);
    expect(out[1]).toBeNull();
    expect(Object.is(out[2], -0)).toBe(true);
    expect(out[3]).toBeNaN();
    const typed = new Float64Array(6);
    unpackReadColumn(packMaskedNumbers(Float64Array.from([2, 3]), new Uint8Array(2)).packed, typed, 4);
    expect([...typed]).toEqual([0, 0, 0, 0, 2, 3]);
  });
});

import { describe, expect, it } from 'vitest';
import { History } from './history.ts';

describe('History', () => {
  it('keeps days sorted, counts gaps in the symbol own days and never learns from NaN', () => {
    const h = new History(['close'], 10);
    h.upsert('A', '2024-01-04', [NaN]);
    h.upsert('A', '2024-01-02', [10]);
    h.upsert('A', '2024-01-03', [NaN]);
    expect(h.position('A', '2024-01-02')).toBe(0);
    expect(h.position('A', '2024-01-04')).toBe(2);
    expect(h.lastObserved('A', 0, '2024-01-03')).toEqual({ date: '2024-01-02', value: 10, gap: 1 });
    expect(h.lastObserved('A', 0, '2024-01-04')).toEqual({ date: '2024-01-02', value: 10, gap: 2 });
    // A day not recorded yet counts as the next day.
    expect(h.lastObserved('A', 0, '2024-01-05')?.gap).toBe(3);
    expect(h.lastObserved('B', 0, '2024-01-05')).toBeUndefined();
  });

  it('lets an observation win over a redelivered gap for the same day', () => {
    const h = new History(['close', 'volume'], 10);
    h.upsert('A', '2024-01-02', [10, 500]);
    h.upsert('A', '2024-01-02', [NaN, 600]);
    expect(h.valueOn('A', 0, '2024-01-02')).toBe(10);
    expect(h.valueOn('A', 1, '2024-01-02')).toBe(600);
  });

  it('is bounded: the oldest days are forgotten', () => {
    const h = new History(['close'], 3);
    for (let d = 1; d <= 5; d++) h.upsert('A', `2024-01-0${d}`, [d]);
    expect(h.position('A', '2024-01-02')).toBe(-1);
    expect(h.observedBefore('A', 0, '2024-01-09', 10)).toEqual({
      dates: ['2024-01-03', '2024-01-04', '2024-01-05'],
      values: [3, 4, 5],
      positions: [0, 1, 2],
    });
  });

  it('returns the n latest observations strictly before a day with their positions', () => {
    const h = new History(['close'], 10);
    ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].forEach((d, i) =>
      h.upsert('A', d, [i === 2 ? NaN : i + 1]),
    );
    expect(h.observedBefore('A', 0, '2024-01-05', 2)).toEqual({
      dates: ['2024-01-02', '2024-01-03'],
      values: [1, 2],
      positions: [0, 1],
    });
  });

  it('answers like a plain sorted, bounded list through growth, compaction and late days', () => {
    // Reference: every day in a sorted array, the oldest dropped past maxRows (what History means).
    const maxRows = 7;
    const h = new History(['close', 'volume'], maxRows);
    const ref: { date: string; v: number[] }[] = [];
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    let seed = 3;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let step = 0; step < 400; step++) {
      // Mostly the next day; sometimes a late (older) day or a redelivery; some values missing.
      const r = rand();
      const d = r < 0.75 ? step : Math.max(0, step - 1 - Math.floor(rand() * 10));
      const date = day(d);
      const v = [rand() < 0.2 ? NaN : step, rand() < 0.2 ? NaN : -step];
      h.upsert('A', date, v);
      const at = ref.findIndex((x) => x.date >= date);
      const i = at < 0 ? ref.length : at;
      if (ref[i]?.date === date) ref[i].v = ref[i].v.map((old, f) => (Number.isFinite(v[f]) ? v[f] : old));
      else {
        ref.splice(i, 0, { date, v: [...v] });
        if (ref.length > maxRows) ref.splice(0, ref.length - maxRows);
      }
      for (const probe of [day(d - 1), date, day(d + 1), day(step + 1)]) {
        const pos = ref.findIndex((x) => x.date === probe);
        expect(h.position('A', probe)).toBe(pos);
        for (const f of [0, 1]) {
          expect(h.valueOn('A', f, probe)).toBe(pos < 0 ? NaN : ref[pos].v[f]);
          const before = ref
            .map((x, k) => ({ ...x, k }))
            .filter((x) => x.date < probe && Number.isFinite(x.v[f]));
          const at2 = ref.findIndex((x) => x.date >= probe);
          const lastObs = before.at(-1);
          expect(h.lastObserved('A', f, probe)).toEqual(
            lastObs && {
              date: lastObs.date,
              value: lastObs.v[f],
              gap: (at2 < 0 ? ref.length : at2) - lastObs.k,
            },
          );
          const obs = before.slice(-3);
          expect(h.observedBefore('A', f, probe, 3)).toEqual({
            dates: obs.map((x) => x.date),
            values: obs.map((x) => x.v[f]),
            positions: obs.map((x) => x.k),
          });
        }
      }
    }
  });
  it('fill reaches the state of upserting the same rows one by one (order, copies, NaN, bound)', () => {
    // A small deterministic generator: shuffled days, redelivered copies with gaps, a tight bound.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const days = Array.from({ length: 30 }, (_, d) =>
      new Date(Date.UTC(2024, 0, 2 + d)).toISOString().slice(0, 10),
    );
    const symbols: string[] = [];
    const dates: string[] = [];
    const vals: number[] = [];
    for (let k = 0; k < 400; k++) {
      symbols.push(rnd() < 0.05 ? '' : `S${Math.floor(rnd() * 6)}`);
      dates.push(days[Math.floor(rnd() * days.length)]);
      vals.push(rnd() < 0.3 ? NaN : Math.round(rnd() * 1000), rnd() < 0.2 ? NaN : k);
    }
    // Shuffled rows take the row path; the same rows in date order (a lake read) the one-pass build.
    for (const sorted of [false, true]) {
      const order = symbols.map((_, i) => i);
      if (sorted) order.sort((a, b) => (dates[a] < dates[b] ? -1 : dates[a] > dates[b] ? 1 : 0));
      checkFill(
        order.map((i) => symbols[i]),
        order.map((i) => dates[i]),
        Float64Array.from(order.flatMap((i) => [vals[2 * i], vals[2 * i + 1]])),
        days,
      );
    }
  });
});

function checkFill(symbols: string[], dates: string[], values: Float64Array, days: string[]): void {
  {
    const fields = ['close', 'volume'];
    const rowwise = new History(fields, 12);
    const bulk = new History(fields, 12);
    // One symbol already known: its rows go through upsert, on top of what it had.
    for (const h of [rowwise, bulk]) h.upsert('S0', days[0], [1, 2]);
    symbols.forEach((s, i) => s && rowwise.upsert(s, dates[i], values, i * 2));
    bulk.fill(symbols, dates, values);
    const state = (h: History) =>
      ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S9'].map((s) =>
        [...days, '2024-03-01'].map((d) => [
          h.position(s, d),
          h.valueOn(s, 0, d),
          h.valueOn(s, 1, d),
          h.lastObserved(s, 0, d),
          h.observedBefore(s, 1, d, 50),
        ]),
      );
    expect(bulk.symbols).toBe(rowwise.symbols);
    expect(state(bulk)).toEqual(state(rowwise));
    // It then keeps working as a history: the next day appends and the bound still holds.
    for (const h of [bulk, rowwise]) h.upsert('S1', '2024-03-01', [5, 6]);
    expect(state(bulk)).toEqual(state(rowwise));
    expect(bulk.position('S1', '2024-03-01')).toBe(11);
  }
}

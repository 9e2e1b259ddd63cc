/**
 * A bounded per-symbol history of the imputed fields: one entry per trading day the symbol had a
 * row, with the *observed* value of each field (NaN where the day's value was missing or imputed,
 * so models never learn from their own guesses). Days with a missing value still get an entry:
 * that is how a gap's length is counted in the symbol's own trading days (a suspension, with no
 * row at all, is not a gap).
 *
 * @example
 * const h = new History(['close', 'volume'], 120);
 * h.upsert('600519.SH', '2024-01-02', [1685.01, 3215000]);
 * h.upsert('600519.SH', '2024-01-03', [NaN, 3010000]);
 * h.lastObserved('600519.SH', 0, '2024-01-03'); // {date: '2024-01-02', value: 1685.01, gap: 1}
 */

/**
 * One symbol's days: `dates[p]` and the values at `values[p * fields .. + fields]`, physical row p.
 * The history is the window `[start, dates.length)`: forgetting the oldest day only moves `start`,
 * and appending writes into spare capacity, so recording a day allocates nothing (the rows are
 * compacted to the front, or the buffer doubled, only when the capacity is used up).
 */
interface SymbolHistory {
  dates: string[];
  values: Float64Array;
  start: number;
}

export interface Observed {
  /** Dates and values of the observed points, oldest first. */
  dates: string[];
  values: number[];
  /** Position of each point in the symbol's day sequence (for trend models). */
  positions: number[];
}

export class History {
  private readonly bySymbol = new Map<string, SymbolHistory>();

  constructor(
    readonly fields: readonly string[],
    readonly maxRows: number,
  ) {}

  get symbols(): number {
    return this.bySymbol.size;
  }

  /**
   * Records a day. Observed values overwrite; NaN never erases an observation already recorded for
   * the same day (a redelivered row with a gap must not destroy what an earlier copy had). The
   * values are `values[offset + f]` for field f.
   */
  upsert(symbol: string, date: string, values: ArrayLike<number>, offset = 0): void {
    const nf = this.fields.length;
    let h = this.bySymbol.get(symbol);
    if (!h) this.bySymbol.set(symbol, (h = { dates: [], values: new Float64Array(8 * nf), start: 0 }));
    let end = h.dates.length;
    // Days mostly arrive in order: a new last day skips the search.
    let i = end > h.start && h.dates[end - 1] < date ? end : lowerBound(h.dates, date, h.start);
    if (i < end && h.dates[i] === date) {
      const at = i * nf;
      for (let f = 0; f < nf; f++) {
        const v = values[offset + f];
        if (Number.isFinite(v)) h.values[at + f] = v;
      }
      return;
    }
    if (end * nf === h.values.length) {
      i -= this.makeRoom(h);
      end = h.dates.length;
    }
    if (i < end) {
      h.values.copyWithin((i + 1) * nf, i * nf, end * nf);
      h.dates.splice(i, 0, date);
    } else h.dates.push(date);
    const at = i * nf;
    for (let f = 0; f < nf; f++) {
      const v = values[offset + f];
      h.values[at + f] = Number.isFinite(v) ? v : NaN;
    }
    // Bounded: forget the oldest days (a late, older row may itself be the one dropped).
    if (h.dates.length - h.start > this.maxRows) h.start = h.dates.length - this.maxRows;
  }

  /**
   * Records many days at once, with the state {@link upsert} would reach row by row in this order:
   * row i is `symbols[i]`, `dates[i]`, values `values[i * fields + f]`; rows with symbol `''` are
   * skipped. A symbol not yet in the history whose rows come in date order (a lake read: day after
   * day) gets its buffer built directly, keeping its newest `maxRows` days (a later copy of a day
   * still wins, NaN still never erases), in one pass in row order so the values are read
   * sequentially. Other symbols (known already, or rows out of order) take the row path. This is
   * how a seed of ~1M lake rows costs a few passes over arrays instead of an upsert per row.
   *
   * @example
   * h.fill(['A', 'B', 'A'], ['2024-01-02', '2024-01-02', '2024-01-03'], Float64Array.of(1, 2, 3)); // one field
   */
  fill(symbols: readonly string[], dates: readonly string[], values: Float64Array): void {
    const n = symbols.length;
    const nf = this.fields.length;
    // Pass 1: a dense id per symbol, and per symbol whether its days ascend and how many distinct.
    const ids = new Int32Array(n);
    const index = new Map<string, number>();
    const names: string[] = [];
    const last: string[] = [];
    let distinct = new Int32Array(1024);
    let ordered = new Uint8Array(1024);
    let prev = '';
    let prevId = -1;
    for (let i = 0; i < n; i++) {
      const s = symbols[i];
      if (s === '') {
        ids[i] = -1;
        continue;
      }
      if (s !== prev) {
        // Every day of a lake read lists the symbols in the same order: try the one after the last first.
        let id = names[prevId + 1] === s ? prevId + 1 : index.get(s);
        if (id === undefined) {
          index.set(s, (id = names.push(s) - 1));
          last.push('');
          if (id === distinct.length) [distinct, ordered] = [grow(distinct), grow(ordered)];
          ordered[id] = this.bySymbol.has(s) ? 0 : 1;
        }
        [prev, prevId] = [s, id];
      }
      ids[i] = prevId;
      const d = dates[i];
      const l = last[prevId];
      if (d > l) {
        distinct[prevId]++;
        last[prevId] = d;
      } else if (d < l) ordered[prevId] = 0;
    }
    // Pass 2, in row order: the ordered new symbols' buffers, skipping each one's oldest days.
    const m = names.length;
    const built: (SymbolHistory | undefined)[] = new Array(m);
    const skip = new Int32Array(m);
    const at = new Int32Array(m);
    const skipping = new Uint8Array(m);
    let slow = false;
    for (let k = 0; k < m; k++) {
      last[k] = '';
      if (!ordered[k]) {
        slow = true;
        continue;
      }
      const kept = Math.min(distinct[k], this.maxRows);
      skip[k] = distinct[k] - kept;
      at[k] = -nf;
      built[k] = { dates: [], values: new Float64Array(capacity(kept, this.maxRows) * nf), start: 0 };
    }
    for (let i = 0; i < n; i++) {
      const k = ids[i];
      if (k < 0 || !ordered[k]) continue;
      const h = built[k]!;
      const d = dates[i];
      const repeat = d === last[k];
      if (!repeat) {
        last[k] = d;
        skipping[k] = skip[k] > 0 ? 1 : 0;
        if (skipping[k]) {
          skip[k]--;
          continue;
        }
        h.dates.push(d);
        at[k] += nf;
      } else if (skipping[k]) continue;
      const o = at[k];
      for (let f = 0; f < nf; f++) {
        const v = values[i * nf + f];
        if (v - v === 0) h.values[o + f] = v;
        else if (!repeat) h.values[o + f] = NaN;
      }
    }
    for (let k = 0; k < m; k++) if (ordered[k]) this.bySymbol.set(names[k], built[k]!);
    if (slow) this.fillSlow(names, ordered, ids, dates, values);
  }

  /** The rows of the symbols {@link fill} could not build in one pass: per symbol, by date (stable). */
  private fillSlow(
    names: readonly string[],
    ordered: Uint8Array,
    ids: Int32Array,
    dates: readonly string[],
    values: Float64Array,
  ): void {
    const rows = new Map<number, number[]>();
    for (let i = 0; i < ids.length; i++) {
      const k = ids[i];
      if (k >= 0 && !ordered[k]) (rows.get(k) ?? rows.set(k, []).get(k)!).push(i);
    }
    for (const [k, list] of rows) {
      list.sort((a, b) => (dates[a] < dates[b] ? -1 : dates[a] > dates[b] ? 1 : 0));
      const symbol = names[k];
      if (this.bySymbol.has(symbol))
        for (const i of list) this.upsert(symbol, dates[i], values, i * this.fields.length);
      else this.bySymbol.set(symbol, this.build(Int32Array.from(list), dates, values));
    }
  }

  /** A symbol's history from its rows in date order: the newest `maxRows` distinct days, copies merged. */
  private build(rows: Int32Array, dates: readonly string[], values: Float64Array): SymbolHistory {
    const nf = this.fields.length;
    let distinct = 0;
    for (let j = 0; j < rows.length; j++) if (j === 0 || dates[rows[j]] !== dates[rows[j - 1]]) distinct++;
    const kept = Math.min(distinct, this.maxRows);
    const h: SymbolHistory = {
      dates: [],
      values: new Float64Array(capacity(kept, this.maxRows) * nf),
      start: 0,
    };
    let skip = distinct - kept;
    let at = -nf;
    for (let j = 0; j < rows.length; j++) {
      const i = rows[j];
      const d = dates[i];
      const repeat = j > 0 && d === dates[rows[j - 1]];
      if (!repeat && skip > 0) {
        skip--;
        // The following copies of a skipped day are skipped with it.
        while (j + 1 < rows.length && dates[rows[j + 1]] === d) j++;
        continue;
      }
      if (!repeat) {
        h.dates.push(d);
        at += nf;
      }
      for (let f = 0; f < nf; f++) {
        const v = values[i * nf + f];
        if (Number.isFinite(v)) h.values[at + f] = v;
        else if (!repeat) h.values[at + f] = NaN;
      }
    }
    return h;
  }

  /** Frees a row at the end: drops the forgotten rows if any, else doubles the buffer. Returns the rows dropped. */
  private makeRoom(h: SymbolHistory): number {
    const nf = this.fields.length;
    const drop = h.start;
    if (drop > 0) {
      h.values.copyWithin(0, drop * nf, h.dates.length * nf);
      h.dates.splice(0, drop);
      h.start = 0;
      return drop;
    }
    // Room for maxRows plus half as many again, so compaction happens every maxRows / 2 days at most.
    const cap = Math.min(
      Math.max(8, (h.values.length / nf) * 2),
      this.maxRows + Math.max(1, this.maxRows >> 1),
    );
    const grown = new Float64Array(cap * nf);
    grown.set(h.values);
    h.values = grown;
    return 0;
  }

  /** Position of `date` in the symbol's day sequence, or -1. */
  position(symbol: string, date: string): number {
    const h = this.bySymbol.get(symbol);
    if (!h) return -1;
    const i = lowerBound(h.dates, date, h.start);
    return h.dates[i] === date ? i - h.start : -1;
  }

  /** The observed value of a field on a day (NaN if none). */
  valueOn(symbol: string, field: number, date: string): number {
    const h = this.bySymbol.get(symbol);
    if (!h) return NaN;
    const i = lowerBound(h.dates, date, h.start);
    return h.dates[i] === date ? h.values[i * this.fields.length + field] : NaN;
  }

  /**
   * The latest observation strictly before `date`, and the gap: how many of the symbol's days from
   * the one after that observation up to and including `date` (1 = only `date` is missing).
   */
  lastObserved(
    symbol: string,
    field: number,
    date: string,
  ): { date: string; value: number; gap: number } | undefined {
    const h = this.bySymbol.get(symbol);
    if (!h) return undefined;
    const nf = this.fields.length;
    const at = lowerBound(h.dates, date, h.start);
    for (let i = at - 1; i >= h.start; i--) {
      const v = h.values[i * nf + field];
      if (Number.isFinite(v)) {
        // `at` is `date`'s position whether or not the day is recorded yet.
        return { date: h.dates[i], value: v, gap: at - i };
      }
    }
    return undefined;
  }

  /** Up to `n` most recent observations strictly before `date`. */
  observedBefore(symbol: string, field: number, date: string, n: number): Observed {
    const out: Observed = { dates: [], values: [], positions: [] };
    const h = this.bySymbol.get(symbol);
    if (!h) return out;
    const nf = this.fields.length;
    for (let i = lowerBound(h.dates, date, h.start) - 1; i >= h.start && out.values.length < n; i--) {
      const v = h.values[i * nf + field];
      if (Number.isFinite(v)) {
        out.dates.push(h.dates[i]);
        out.values.push(v);
        out.positions.push(i - h.start);
      }
    }
    out.dates.reverse();
    out.values.reverse();
    out.positions.reverse();
    return out;
  }
}

/** Rows to allocate for `kept` days: room to grow, within what {@link History.makeRoom} would allow. */
function capacity(kept: number, maxRows: number): number {
  return Math.max(kept, Math.min(Math.max(8, kept * 2), maxRows + Math.max(1, maxRows >> 1)));
}

function grow<T extends Int32Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

/** First index from `lo` whose date is ≥ `date` (ISO dates compare as strings). */
function lowerBound(dates: readonly string[], date: string, lo: number): number {
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid] < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

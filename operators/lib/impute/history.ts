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
   * skipped. Rows are grouped per symbol (stable: a later copy of a day still wins, NaN still never
   * erases), and a symbol not yet in the history gets its buffer built in one go, keeping its
   * newest `maxRows` days. This is how a seed of ~1M lake rows costs a few passes over arrays
   * instead of one upsert (and buffer compaction) per row.
   *
   * @example
   * h.fill(['A', 'B', 'A'], ['2024-01-02', '2024-01-02', '2024-01-03'], Float64Array.of(1, 2, 3)); // one field
   */
  fill(symbols: readonly string[], dates: readonly string[], values: Float64Array): void {
    const n = symbols.length;
    // Per-symbol ranges of row indices (a counting sort: stable, no comparisons).
    const ids = new Int32Array(n);
    const index = new Map<string, number>();
    const names: string[] = [];
    let counts = new Int32Array(64);
    let prev = '';
    let prevId = -1;
    for (let i = 0; i < n; i++) {
      const s = symbols[i];
      if (s === '') {
        ids[i] = -1;
        continue;
      }
      if (s !== prev) {
        let id = index.get(s);
        if (id === undefined) {
          index.set(s, (id = names.push(s) - 1));
          if (id === counts.length) {
            const grown = new Int32Array(counts.length * 2);
            grown.set(counts);
            counts = grown;
          }
        }
        [prev, prevId] = [s, id];
      }
      ids[i] = prevId;
      counts[prevId]++;
    }
    const starts = new Int32Array(names.length + 1);
    for (let k = 0; k < names.length; k++) starts[k + 1] = starts[k] + counts[k];
    const order = new Int32Array(starts[names.length]);
    const next = starts.slice(0, names.length);
    for (let i = 0; i < n; i++) if (ids[i] >= 0) order[next[ids[i]]++] = i;
    for (let k = 0; k < names.length; k++) {
      const range = order.subarray(starts[k], starts[k + 1]);
      let sorted = true;
      for (let j = 1; j < range.length && sorted; j++) sorted = dates[range[j - 1]] <= dates[range[j]];
      // Lake files come in any order; a stable sort by date keeps the copies of a day in row order.
      if (!sorted) range.set(Array.from(range).sort((a, b) => (dates[a] < dates[b] ? -1 : dates[a] > dates[b] ? 1 : 0)));
      if (this.bySymbol.has(names[k])) {
        for (const i of range) this.upsert(names[k], dates[i], values, i * this.fields.length);
      } else this.bySymbol.set(names[k], this.build(range, dates, values));
    }
  }

  /** A symbol's history from its rows in date order: the newest `maxRows` distinct days, copies merged. */
  private build(rows: Int32Array, dates: readonly string[], values: Float64Array): SymbolHistory {
    const nf = this.fields.length;
    let distinct = 0;
    for (let j = 0; j < rows.length; j++) if (j === 0 || dates[rows[j]] !== dates[rows[j - 1]]) distinct++;
    const kept = Math.min(distinct, this.maxRows);
    const cap = Math.max(kept, Math.min(Math.max(8, kept * 2), this.maxRows + Math.max(1, this.maxRows >> 1)));
    const h: SymbolHistory = { dates: [], values: new Float64Array(cap * nf), start: 0 };
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

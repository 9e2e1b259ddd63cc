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

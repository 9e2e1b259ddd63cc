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

interface SymbolHistory {
  dates: string[];
  rows: Float64Array[];
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
   * the same day (a redelivered row with a gap must not destroy what an earlier copy had).
   */
  upsert(symbol: string, date: string, values: ArrayLike<number>): void {
    let h = this.bySymbol.get(symbol);
    if (!h) this.bySymbol.set(symbol, (h = { dates: [], rows: [] }));
    const i = lowerBound(h.dates, date);
    if (h.dates[i] === date) {
      const row = h.rows[i];
      for (let f = 0; f < this.fields.length; f++) if (Number.isFinite(values[f])) row[f] = values[f];
      return;
    }
    const row = new Float64Array(this.fields.length);
    for (let f = 0; f < this.fields.length; f++) row[f] = Number.isFinite(values[f]) ? values[f] : NaN;
    h.dates.splice(i, 0, date);
    h.rows.splice(i, 0, row);
    // Bounded: forget the oldest days (a late, older row may itself be the one dropped).
    if (h.dates.length > this.maxRows) {
      const drop = h.dates.length - this.maxRows;
      h.dates.splice(0, drop);
      h.rows.splice(0, drop);
    }
  }

  /** Position of `date` in the symbol's day sequence, or -1. */
  position(symbol: string, date: string): number {
    const h = this.bySymbol.get(symbol);
    if (!h) return -1;
    const i = lowerBound(h.dates, date);
    return h.dates[i] === date ? i : -1;
  }

  /** The observed value of a field on a day (NaN if none). */
  valueOn(symbol: string, field: number, date: string): number {
    const h = this.bySymbol.get(symbol);
    if (!h) return NaN;
    const i = lowerBound(h.dates, date);
    return h.dates[i] === date ? h.rows[i][field] : NaN;
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
    const at = lowerBound(h.dates, date);
    for (let i = at - 1; i >= 0; i--) {
      const v = h.rows[i][field];
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
    for (let i = lowerBound(h.dates, date) - 1; i >= 0 && out.values.length < n; i--) {
      const v = h.rows[i][field];
      if (Number.isFinite(v)) {
        out.dates.push(h.dates[i]);
        out.values.push(v);
        out.positions.push(i);
      }
    }
    out.dates.reverse();
    out.values.reverse();
    out.positions.reverse();
    return out;
  }
}

/** First index whose date is ≥ `date` (ISO dates compare as strings). */
function lowerBound(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid] < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

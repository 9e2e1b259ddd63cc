/**
 * Back-adjustment (后复权) factors. Tushare's `adj_factor` is cumulative: it steps at an ex-date T by
 * `close(T−1) / pre_close(T)`, where `pre_close(T)` is the exchange's ex-rights reference price, and
 * is published with 3 decimals. When no source provides a factor we derive it the same way from the
 * previous day's factor and close; on an ordinary day `pre_close(T) == close(T−1)` so the factor
 * carries over unchanged.
 */
import { roundHalfEven } from './round.ts';

/** Lineage values this module writes for a factor it did not get from a source. */
export const DERIVED = 'System_Calculated';
export const CARRIED = 'Imputed_Static';

/** What the previous trading day left behind for one symbol. */
export interface PrevDay {
  trade_date: string;
  /** Cumulative factor of that day. */
  factor: number;
  /** Raw (unadjusted) close of that day. */
  close: number;
}

/**
 * factor(T) = factor(T−1) × close(T−1) / pre_close(T), rounded to `decimals` (Tushare publishes 3).
 * @example deriveFactor(109.169, 13.0, 12.78, 3) // 111.048 (000001.SZ, ex-date 2020-05-28)
 */
export function deriveFactor(prevFactor: number, prevClose: number, preClose: number, decimals = 3): number {
  if (!(prevFactor > 0) || !(prevClose > 0) || !(preClose > 0)) {
    throw new RangeError(
      `cannot derive an adj_factor from factor(T−1)=${prevFactor}, close(T−1)=${prevClose}, pre_close(T)=${preClose}: all must be > 0`,
    );
  }
  // On an ordinary day the ratio is exactly 1: keep the factor bit-for-bit instead of re-rounding.
  if (prevClose === preClose) return prevFactor;
  return roundHalfEven((prevFactor * prevClose) / preClose, decimals);
}

export interface FactorDecision {
  factor: number;
  /** `null` when the factor came from the row itself (the row's own lineage stands). */
  lineage: typeof DERIVED | typeof CARRIED | null;
}

/**
 * Chooses the factor for one row: the row's own factor when valid; else derived from the previous
 * day and the row's pre_close; else the previous day's factor carried forward; else `undefined`.
 */
export function chooseFactor(
  row: { factor?: unknown; pre_close?: unknown },
  prev: PrevDay | undefined,
  decimals = 3,
): FactorDecision | undefined {
  const own =
    typeof row.factor === 'number' && Number.isFinite(row.factor) && row.factor > 0 ? row.factor : undefined;
  if (own !== undefined) return { factor: own, lineage: null };
  if (!prev) return undefined;
  const pre =
    typeof row.pre_close === 'number' && Number.isFinite(row.pre_close) && row.pre_close > 0
      ? row.pre_close
      : undefined;
  if (pre !== undefined && prev.close > 0)
    return { factor: deriveFactor(prev.factor, prev.close, pre, decimals), lineage: DERIVED };
  return { factor: prev.factor, lineage: CARRIED };
}

/**
 * The remembered days of one symbol, oldest first, in parallel arrays: adjust touches one per row,
 * so remembering a day must not allocate (a per-day object per row was a large share of the GC).
 * The days live in `[lo, hi)` of arrays twice the size kept, so appending the next day is O(1)
 * amortised (the window slides and is moved back to the front only when it reaches the end).
 */
export class SymbolDays {
  readonly dates: string[];
  // Plain arrays: a symbol's memory is created once per symbol and typed arrays cost more to create.
  readonly factors: number[];
  readonly closes: number[];
  private lo = 0;
  private hi = 0;

  constructor(private readonly keep: number) {
    this.dates = new Array<string>(2 * keep).fill('');
    this.factors = new Array<number>(2 * keep).fill(0);
    this.closes = new Array<number>(2 * keep).fill(0);
  }

  get length(): number {
    return this.hi - this.lo;
  }

  /** Index (into `dates`, `factors`, `closes`) of the latest day strictly before `tradeDate`, or -1. */
  indexBefore(tradeDate: string): number {
    const d = this.dates;
    let i = this.hi - 1;
    while (i >= this.lo && d[i] >= tradeDate) i--;
    return i >= this.lo ? i : -1;
  }

  /** Remembers (or replaces) a day, keeping date order and at most `keep` days. */
  remember(tradeDate: string, factor: number, close: number): void {
    const d = this.dates;
    let at = this.hi;
    while (at > this.lo && d[at - 1] >= tradeDate) at--;
    if (at < this.hi && d[at] === tradeDate) {
      this.factors[at] = factor;
      this.closes[at] = close;
      return;
    }
    if (this.hi - this.lo === this.keep) {
      // Full: the oldest day goes (so a day older than every remembered one is not kept at all).
      if (at === this.lo) return;
      this.lo++;
    }
    if (this.hi === d.length) {
      // Window at the end of the arrays: move it to the front.
      const n = this.hi - this.lo;
      for (let k = 0; k < n; k++) {
        d[k] = d[this.lo + k];
        this.factors[k] = this.factors[this.lo + k];
        this.closes[k] = this.closes[this.lo + k];
      }
      at -= this.lo;
      this.lo = 0;
      this.hi = n;
    }
    // Make room at `at` (usually `at == hi`: the newest day, nothing moves).
    for (let k = this.hi; k > at; k--) {
      d[k] = d[k - 1];
      this.factors[k] = this.factors[k - 1];
      this.closes[k] = this.closes[k - 1];
    }
    d[at] = tradeDate;
    this.factors[at] = factor;
    this.closes[at] = close;
    this.hi++;
  }
}

/** Positions {@link FactorState.daysAt} remembers (a market day has ~5,500 symbols). */
const MAX_POSITIONS = 1 << 16;

/**
 * Per-symbol memory of recent days, so that the previous trading day is known even when a day is
 * re-run (backfill after a crash): `before(symbol, T)` is the latest remembered day strictly before T.
 */
export class FactorState {
  private readonly bySymbol = new Map<string, SymbolDays>();
  // The symbol and days of each position of the last batch (see daysAt).
  private readonly posSymbol: string[] = [];
  private readonly posDays: SymbolDays[] = [];

  constructor(readonly keep = 16) {}

  /**
   * {@link days} for the row at position `pos` of a batch: batches of consecutive days list the
   * same symbols in the same order, so the symbol at the same position last time is checked first
   * (one string comparison) before the Map lookup.
   */
  daysAt(pos: number, symbol: string): SymbolDays {
    if (this.posSymbol[pos] === symbol) return this.posDays[pos];
    const days = this.days(symbol);
    if (pos < MAX_POSITIONS) {
      this.posSymbol[pos] = symbol;
      this.posDays[pos] = days;
    }
    return days;
  }

  /** The symbol's days (created empty on first use), for allocation-free lookups in a loop. */
  days(symbol: string): SymbolDays {
    let days = this.bySymbol.get(symbol);
    if (!days) this.bySymbol.set(symbol, (days = new SymbolDays(this.keep)));
    return days;
  }

  /** The symbol's days, or undefined when nothing is remembered for it. */
  peek(symbol: string): SymbolDays | undefined {
    return this.bySymbol.get(symbol);
  }

  before(symbol: string, tradeDate: string): PrevDay | undefined {
    const days = this.bySymbol.get(symbol);
    const i = days ? days.indexBefore(tradeDate) : -1;
    return i < 0
      ? undefined
      : { trade_date: days!.dates[i], factor: days!.factors[i], close: days!.closes[i] };
  }

  remember(symbol: string, day: PrevDay): void {
    this.days(symbol).remember(day.trade_date, day.factor, day.close);
  }

  get size(): number {
    return this.bySymbol.size;
  }
}

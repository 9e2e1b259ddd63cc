/**
 * Back-adjustment (后复权) factors. Tushare's `adj_factor` is cumulative: it steps at an ex-date T by
 * `close(T−1) / pre_close(T)`, where `pre_close(T)` is the exchange's ex-rights reference price, and
 * is published with 3 decimals. When no source provides a factor we derive it the same way from the
 * previous day's factor and close; on an ordinary day `pre_close(T) == close(T−1)` so the factor
 * carries over unchanged.
 */
import { roundHalfEvenUnits, formatUnits } from './round.ts';

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
  return Number(formatUnits(roundHalfEvenUnits((prevFactor * prevClose) / preClose, decimals), decimals));
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
 * Per-symbol memory of recent days, so that the previous trading day is known even when a day is
 * re-run (backfill after a crash): `before(symbol, T)` is the latest remembered day strictly before T.
 */
export class FactorState {
  private readonly bySymbol = new Map<string, PrevDay[]>();

  constructor(private readonly keep = 16) {}

  before(symbol: string, tradeDate: string): PrevDay | undefined {
    const days = this.bySymbol.get(symbol);
    if (!days) return undefined;
    for (let i = days.length - 1; i >= 0; i--) if (days[i].trade_date < tradeDate) return days[i];
    return undefined;
  }

  remember(symbol: string, day: PrevDay): void {
    const days = this.bySymbol.get(symbol) ?? [];
    const at = days.findIndex((d) => d.trade_date >= day.trade_date);
    if (at === -1) days.push(day);
    else if (days[at].trade_date === day.trade_date) days[at] = day;
    else days.splice(at, 0, day);
    if (days.length > this.keep) days.splice(0, days.length - this.keep);
    this.bySymbol.set(symbol, days);
  }

  get size(): number {
    return this.bySymbol.size;
  }
}

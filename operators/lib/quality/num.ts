/**
 * Numbers as they arrive in records: number, numeric string, bigint (Delta longs) or missing.
 * @example num('12.5') === 12.5; num(null) === undefined; num('abc') === undefined
 */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Rounds for reports and metrics (ratios to 6 places, scores to 2) without float noise. */
export function round(v: number, places: number): number {
  const f = 10 ** places;
  return Math.round(v * f) / f;
}

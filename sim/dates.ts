/**
 * Calendar for the simulator: trading days are the real SSE/SZSE days where the recorded data
 * covers them (2020–2024) and weekdays minus the fixed-date holidays elsewhere.
 *
 * @example
 * const cal = tradingCalendar('20240101', '20240131', realDays);
 * cal.includes('20240102'); // true
 */

/** `YYYYMMDD` → days since 1970-01-01. */
export function dayNumber(d: string): number {
  return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8)) / 86_400_000;
}

/** Days since 1970-01-01 → `YYYYMMDD`. */
export function fromDayNumber(n: number): string {
  const dt = new Date(n * 86_400_000);
  return `${dt.getUTCFullYear()}${String(dt.getUTCMonth() + 1).padStart(2, '0')}${String(dt.getUTCDate()).padStart(2, '0')}`;
}

/** Whether a string is a real `YYYYMMDD` calendar date. */
export function isDate(d: string): boolean {
  if (!/^\d{8}$/.test(d)) return false;
  return fromDayNumber(dayNumber(d)) === d;
}

/** Epoch milliseconds of 00:00 Asia/Shanghai on `YYYYMMDD`, as xtdata stamps daily bars. */
export function shanghaiMidnightMs(d: string): number {
  return dayNumber(d) * 86_400_000 - 8 * 3_600_000;
}

// Holidays outside the recorded years are approximated by their fixed-date part.
function fixedHoliday(d: string): boolean {
  const md = d.slice(4);
  return md === '0101' || (md >= '0501' && md <= '0503') || (md >= '1001' && md <= '1007');
}

/**
 * Open days in [from, to], ascending. `realDays` (sorted) is authoritative inside its span.
 */
export function tradingCalendar(from: string, to: string, realDays: readonly string[]): string[] {
  const realSet = new Set(realDays);
  const lo = realDays[0] ?? '99999999';
  const hi = realDays[realDays.length - 1] ?? '00000000';
  const out: string[] = [];
  for (let n = dayNumber(from), end = dayNumber(to); n <= end; n++) {
    const d = fromDayNumber(n);
    if (d >= lo && d <= hi) {
      if (realSet.has(d)) out.push(d);
      continue;
    }
    const wd = new Date(n * 86_400_000).getUTCDay();
    if (wd !== 0 && wd !== 6 && !fixedHoliday(d)) out.push(d);
  }
  return out;
}

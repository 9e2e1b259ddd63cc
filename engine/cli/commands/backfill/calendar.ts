/**
 * Trading days for a backfill or the daily trigger: from an exchange calendar (rows with `cal_date`
 * and `is_open`, e.g. the Bronze `trade_cal` table) or, without one, Monday–Friday.
 */

/** Every date from `from` to `to` inclusive, as YYYY-MM-DD (UTC arithmetic; dates have no zone). */
export function dateRange(from: string, to: string): string[] {
  const start = parseDay(from, '--from');
  const end = parseDay(to, '--to');
  if (end < start) throw new Error(`--to ${to} is before --from ${from}`);
  const out: string[] = [];
  for (let t = start; t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export function parseDay(s: string, what = 'date'): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s)
    throw new Error(`${what} must be a date YYYY-MM-DD, got ${JSON.stringify(s)}`);
  return t;
}

export interface Calendar {
  isTradingDay(day: string): boolean;
  /** Describes where the calendar came from, for logs. */
  readonly source: string;
}

/** Monday–Friday (no holidays): the fallback when no exchange calendar is available. */
export const weekdays: Calendar = {
  source: 'weekdays (no exchange calendar)',
  isTradingDay(day) {
    const dow = new Date(parseDay(day)).getUTCDay();
    return dow !== 0 && dow !== 6;
  },
};

/**
 * A calendar from exchange rows (`cal_date` or `trade_date` as YYYY-MM-DD/YYYYMMDD, `is_open` 0/1).
 * Days outside the rows' span fall back to `outside` (default: weekdays) so a stale calendar
 * never silently skips recent days.
 */
export function calendarFromRows(
  rows: readonly Record<string, unknown>[],
  outside: Calendar = weekdays,
): Calendar {
  const open = new Map<string, boolean>();
  for (const r of rows) {
    const raw = String(r.cal_date ?? r.trade_date ?? '');
    const day = /^\d{8}$/.test(raw)
      ? `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6)}`
      : raw.slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
    open.set(day, Number(r.is_open) === 1 || r.is_open === true);
  }
  const days = [...open.keys()].sort();
  return {
    source: `exchange calendar (${days[0] ?? '-'} … ${days.at(-1) ?? '-'})`,
    isTradingDay(day) {
      return (
        open.get(day) ??
        (day < (days[0] ?? '') || day > (days.at(-1) ?? '') ? outside.isTradingDay(day) : false)
      );
    },
  };
}

export function tradingDays(from: string, to: string, cal: Calendar): string[] {
  return dateRange(from, to).filter((d) => cal.isTradingDay(d));
}

/**
 * Calendar days in a time zone, without a date library: the daily quota resets at local midnight of
 * the policy's zone (Asia/Shanghai for Tushare), whatever the machine's zone is.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone: surfaced by the policy check with the zone's name.
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(
  ms: number,
  timeZone: string,
): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(ms)) p[type] = Number(value);
  return { y: p.year, m: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}

/** Offset (ms) of `timeZone` from UTC at instant `ms` (e.g. +8 h for Asia/Shanghai). */
function offsetAt(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** True when `timeZone` is a zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local day containing `ms` in `timeZone`, and the instant it ends.
 * @example
 * dayWindow(Date.parse('2026-01-05T16:30:00Z'), 'Asia/Shanghai')
 * // → { day: '2026-01-06', endsAt: Date.parse('2026-01-06T16:00:00Z') }
 */
export function dayWindow(ms: number, timeZone: string): { day: string; endsAt: number } {
  // Every quota decision asks this; Intl formatting costs ~100 µs, so remember the current day.
  // Any instant between one already seen in a day and that day's end lies in the same day.
  const hit = cache.get(timeZone);
  if (hit && ms >= hit.from && ms < hit.endsAt) return { day: hit.day, endsAt: hit.endsAt };
  const w = computeDayWindow(ms, timeZone);
  cache.set(timeZone, { ...w, from: ms });
  return w;
}

const cache = new Map<string, { day: string; endsAt: number; from: number }>();

function computeDayWindow(ms: number, timeZone: string): { day: string; endsAt: number } {
  const p = parts(ms, timeZone);
  const day = `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
  const nextMidnightLocal = Date.UTC(p.y, p.m - 1, p.d + 1);
  // Two passes so a DST change between now and midnight uses midnight's offset.
  let endsAt = nextMidnightLocal - offsetAt(ms, timeZone);
  endsAt = nextMidnightLocal - offsetAt(endsAt, timeZone);
  return { day, endsAt };
}

/** The `n` local days ending with the day of `ms` (oldest first), e.g. for a weekly view. */
export function lastDays(ms: number, timeZone: string, n: number): string[] {
  const { day } = dayWindow(ms, timeZone);
  const [y, m, d] = day.split('-').map(Number);
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(new Date(Date.UTC(y, m - 1, d - i)).toISOString().slice(0, 10));
  return out;
}

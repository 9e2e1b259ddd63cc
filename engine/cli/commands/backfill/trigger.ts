/**
 * The daily trigger: the next moment after the market close (default 15:30 Asia/Shanghai, i.e. after
 * the 15:00 close with time for the sources to publish) on a trading day.
 */
import type { Calendar } from './calendar.ts';

/** Wall-clock parts of `at` in `timeZone`. */
function wall(at: Date, timeZone: string): { day: string; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The UTC instant of wall time `day` `HH:MM` in `timeZone` (handles zones with DST by re-checking). */
export function zonedInstant(day: string, hhmm: string, timeZone: string): Date {
  const [h, m] = hhmm.split(':').map(Number);
  const guess = Date.UTC(
    Number(day.slice(0, 4)),
    Number(day.slice(5, 7)) - 1,
    Number(day.slice(8, 10)),
    h,
    m,
  );
  let t = guess;
  for (let i = 0; i < 3; i++) {
    const w = wall(new Date(t), timeZone);
    const have = Date.UTC(
      Number(w.day.slice(0, 4)),
      Number(w.day.slice(5, 7)) - 1,
      Number(w.day.slice(8, 10)),
      Math.floor(w.minutes / 60),
      w.minutes % 60,
    );
    if (have === guess) break;
    t += guess - have;
  }
  return new Date(t);
}

export interface TriggerOptions {
  /** Local time after which a trading day is processed (default 15:30). */
  at?: string;
  timeZone?: string;
  calendar: Calendar;
}

/**
 * The next trigger strictly after `now`, with the trading day it processes.
 * @example nextTrigger(new Date('2024-06-14T08:00:00Z'), {calendar}) // {day: '2024-06-17', at: 2024-06-17T07:30Z} (Fri after close → Mon)
 */
export function nextTrigger(now: Date, opts: TriggerOptions): { day: string; at: Date } {
  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const at = opts.at ?? '15:30';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(at))
    throw new Error(`trigger time must be HH:MM, got ${JSON.stringify(at)}`);
  let day = wall(now, tz).day;
  for (let i = 0; i < 370; i++) {
    const instant = zonedInstant(day, at, tz);
    if (instant > now && opts.calendar.isTradingDay(day)) return { day, at: instant };
    const t = new Date(`${day}T00:00:00Z`).getTime() + 86_400_000;
    day = new Date(t).toISOString().slice(0, 10);
  }
  throw new Error('no trading day within a year: check the calendar');
}

/** The latest trading day whose trigger time has passed at `now` (what a catch-up run should cover). */
export function lastClosedDay(now: Date, opts: TriggerOptions): string | undefined {
  const tz = opts.timeZone ?? 'Asia/Shanghai';
  const at = opts.at ?? '15:30';
  let day = wall(now, tz).day;
  for (let i = 0; i < 370; i++) {
    if (opts.calendar.isTradingDay(day) && zonedInstant(day, at, tz) <= now) return day;
    day = new Date(new Date(`${day}T00:00:00Z`).getTime() - 86_400_000).toISOString().slice(0, 10);
  }
  return undefined;
}

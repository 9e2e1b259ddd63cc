import { describe, expect, it } from 'vitest';
import { dayWindow, isTimeZone, lastDays } from './day-window.ts';

describe('dayWindow', () => {
  it('uses the policy zone, not the machine zone: Beijing midnight is 16:00 UTC', () => {
    expect(dayWindow(Date.parse('2026-01-05T15:59:59.999Z'), 'Asia/Shanghai')).toEqual({
      day: '2026-01-05',
      endsAt: Date.parse('2026-01-05T16:00:00Z'),
    });
    expect(dayWindow(Date.parse('2026-01-05T16:00:00.000Z'), 'Asia/Shanghai')).toEqual({
      day: '2026-01-06',
      endsAt: Date.parse('2026-01-06T16:00:00Z'),
    });
  });

  it('stays right when the clock goes backwards across a cached day', () => {
    dayWindow(Date.parse('2026-01-06T10:00:00+08:00'), 'Asia/Shanghai');
    expect(dayWindow(Date.parse('2026-01-05T23:59:00+08:00'), 'Asia/Shanghai').day).toBe('2026-01-05');
    expect(dayWindow(Date.parse('2026-01-06T00:00:00+08:00'), 'Asia/Shanghai').day).toBe('2026-01-06');
  });

  it('handles a DST change before midnight (New York, 2026-03-08)', () => {
    const w = dayWindow(Date.parse('2026-03-08T01:30:00-05:00'), 'America/New_York');
    expect(w).toEqual({ day: '2026-03-08', endsAt: Date.parse('2026-03-09T00:00:00-04:00') });
  });

  it('lists the last n days and validates zones', () => {
    expect(lastDays(Date.parse('2026-03-01T12:00:00+08:00'), 'Asia/Shanghai', 3)).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ]);
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Asia/Beijing')).toBe(false);
  });
});

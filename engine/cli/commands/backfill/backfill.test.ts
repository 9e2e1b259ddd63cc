import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarFromRows, dateRange, tradingDays, weekdays } from './calendar.ts';
import { ProgressStore } from './progress.ts';
import { planBackfill, runBackfill } from './run.ts';
import { lastClosedDay, nextTrigger, zonedInstant } from './trigger.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-backfill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// SSE calendar around the 2024 Dragon Boat Festival (Mon 2024-06-10 closed).
const cal = calendarFromRows(
  [
    '20240607',
    '20240608',
    '20240609',
    '20240610',
    '20240611',
    '20240612',
    '20240613',
    '20240614',
    '20240615',
    '20240616',
    '20240617',
  ].map((d) => ({
    exchange: 'SSE',
    cal_date: d,
    is_open: ['20240608', '20240609', '20240610', '20240615', '20240616'].includes(d) ? 0 : 1,
  })),
);

describe('calendar', () => {
  it('lists dates and trading days, skipping weekends and holidays', () => {
    expect(dateRange('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(tradingDays('2024-06-07', '2024-06-12', cal)).toEqual(['2024-06-07', '2024-06-11', '2024-06-12']);
    expect(tradingDays('2024-06-07', '2024-06-12', weekdays)).toEqual([
      '2024-06-07',
      '2024-06-10',
      '2024-06-11',
      '2024-06-12',
    ]);
    expect(cal.isTradingDay('2024-06-18')).toBe(true); // beyond the calendar: weekdays
    expect(() => dateRange('2024-02-30', '2024-03-01')).toThrow(/--from must be a date YYYY-MM-DD/);
    expect(() => dateRange('2024-03-02', '2024-03-01')).toThrow(/before --from/);
  });
});

describe('daily trigger (15:30 Asia/Shanghai)', () => {
  it('waits for the close of the same trading day', () => {
    expect(nextTrigger(new Date('2024-06-14T06:00:00Z'), { calendar: cal })).toEqual({
      day: '2024-06-14',
      at: new Date('2024-06-14T07:30:00Z'),
    });
  });

  it('after Friday’s close waits for Monday; skips a holiday Monday', () => {
    expect(nextTrigger(new Date('2024-06-14T07:31:00Z'), { calendar: cal }).day).toBe('2024-06-17');
    expect(nextTrigger(new Date('2024-06-07T08:00:00Z'), { calendar: cal })).toEqual({
      day: '2024-06-11',
      at: new Date('2024-06-11T07:30:00Z'),
    });
  });

  it('knows the last closed trading day for catch-up', () => {
    expect(lastClosedDay(new Date('2024-06-10T12:00:00Z'), { calendar: cal })).toBe('2024-06-07');
    expect(lastClosedDay(new Date('2024-06-11T07:29:00Z'), { calendar: cal })).toBe('2024-06-07');
    expect(lastClosedDay(new Date('2024-06-11T07:30:00Z'), { calendar: cal })).toBe('2024-06-11');
  });

  it('converts wall time in zones with DST', () => {
    expect(zonedInstant('2024-07-01', '15:30', 'America/New_York').toISOString()).toBe(
      '2024-07-01T19:30:00.000Z',
    );
    expect(zonedInstant('2024-01-02', '15:30', 'America/New_York').toISOString()).toBe(
      '2024-01-02T20:30:00.000Z',
    );
    expect(() => nextTrigger(new Date(), { calendar: cal, at: '25:00' })).toThrow(/HH:MM/);
  });
});

describe('resumable backfill', () => {
  it('records finished chunks durably and resumes after a crash', async () => {
    const file = join(dir, 'progress.json');
    const days = tradingDays('2024-06-03', '2024-06-14', cal); // 9 days
    const ran: string[][] = [];
    let crash = true;
    const runChunk = async (chunk: readonly string[]) => {
      if (crash && chunk.includes('2024-06-11')) throw new Error('killed');
      ran.push([...chunk]);
      return { rows: chunk.length * 5000 };
    };
    const first = new ProgressStore(file);
    await expect(runBackfill(planBackfill(days, first, 3), first, runChunk)).rejects.toThrow('killed');
    expect(ran).toEqual([['2024-06-03', '2024-06-04', '2024-06-05']]);
    expect(JSON.parse(readFileSync(file, 'utf8')).finished).toEqual([
      '2024-06-03',
      '2024-06-04',
      '2024-06-05',
    ]);

    crash = false;
    const again = new ProgressStore(file); // a new process
    const plan = planBackfill(days, again, 3);
    expect(plan.pending[0]).toBe('2024-06-06');
    const totals = await runBackfill(plan, again, runChunk);
    expect(ran.slice(1)).toEqual([
      ['2024-06-06', '2024-06-07', '2024-06-11'],
      ['2024-06-12', '2024-06-13', '2024-06-14'],
    ]);
    expect(totals).toMatchObject({ days: 6, rows: 30000 });
    expect(planBackfill(days, new ProgressStore(file), 3).pending).toEqual([]);
  });

  it('refuses a corrupt progress file with its path', () => {
    const file = join(dir, 'bad.json');
    new ProgressStore(file).markFinished(['2024-06-03']);
    writeFileSync(file, '{"x":1}');
    expect(() => new ProgressStore(file)).toThrow(/bad.json: not a backfill progress file/);
  });
});

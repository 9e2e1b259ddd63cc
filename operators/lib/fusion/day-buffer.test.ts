import { describe, expect, it } from 'vitest';
import type { Outcome, Rec } from '../../../engine/api/index.ts';
import { testBatch } from '../../../engine/testing/drivers.ts';
import { DayBuffer, type DayBufferOptions } from './day-buffer.ts';
import { indexDay } from './day-index.ts';

const opts = (over: Partial<DayBufferOptions> = {}): DayBufferOptions => ({
  keyColumns: ['symbol', 'trade_date'],
  sources: ['qmt', 'tushare'],
  expect: ['qmt/hist_kline', 'tushare/daily'],
  datasets: new Set(['hist_kline', 'daily']),
  passthrough: new Set(['dividend']),
  quietMs: 100,
  deadlineMs: 1000,
  ...over,
});
const row = (source: string, trade_date: string, over: Rec = {}): Rec => ({
  source,
  dataset: source === 'qmt' ? 'hist_kline' : 'daily',
  symbol: '600519.SH',
  trade_date,
  close: 1,
  ...over,
});
const ready = (b: DayBuffer, now: number, all = false) =>
  b.takeReady(now, all).map(({ day, reason }) => `${day.trade_date}:${reason}`);

describe('DayBuffer (injected clock)', () => {
  it('completes a day when every expected stream moved past it, without waiting', () => {
    const b = new DayBuffer(opts());
    b.add(testBatch([row('qmt', 'd1'), row('tushare', 'd1')]), 0);
    expect(ready(b, 0)).toEqual([]); // not quiet yet
    b.add(testBatch([row('qmt', 'd2')]), 1);
    expect(ready(b, 1)).toEqual([]); // tushare has not moved on
    b.add(testBatch([row('tushare', 'd2')]), 2);
    expect(ready(b, 2)).toEqual(['d1:complete']);
  });

  it('completes after the quiet period once every stream delivered, else at the deadline', () => {
    const b = new DayBuffer(opts());
    b.add(testBatch([row('qmt', 'd1'), row('tushare', 'd1')]), 0);
    expect(ready(b, 99)).toEqual([]);
    expect(ready(b, 100)).toEqual(['d1:complete']);
    b.add(testBatch([row('qmt', 'd3')]), 200);
    expect(ready(b, 1199)).toEqual([]);
    expect(ready(b, 1200)).toEqual(['d3:deadline']);
  });

  it('keeps the newest ingest of a repeated row and routes late, bad and passthrough rows', () => {
    const b = new DayBuffer(opts());
    b.add(
      testBatch([
        row('qmt', 'd1', { close: 2, fetched_at: '2024-01-02' }),
        row('qmt', 'd1', { close: 1, fetched_at: '2024-01-01' }),
      ]),
      0,
    );
    const [{ day }] = b.takeReady(0, true);
    expect(indexDay(day.parts, ['symbol', 'trade_date']).valueAt(0, 'qmt', 'hist_kline', 'close')).toBe(2);
    const outcomes: Outcome[] = [];
    const routed = b.add(
      testBatch(
        [
          row('qmt', 'd1'),
          row('wind', 'd2'),
          { source: 'tushare', dataset: 'dividend', symbol: 'x' },
          { source: 'tushare', dataset: 'trade_cal' },
          row('qmt', 'd2', { symbol: '' }),
        ],
        outcomes,
      ),
      1,
    );
    expect(routed.late?.records).toHaveLength(1);
    expect(routed.errors?.records.map((r) => r.reason)).toEqual([
      expect.stringMatching(/unknown source "wind"/),
      'fuse: row has no symbol',
    ]);
    expect(routed.passthrough?.records).toHaveLength(1);
    expect(routed.skipped?.records).toHaveLength(1);
    expect(b.pending).toBe(0);
    for (const part of [routed.late, routed.errors, routed.passthrough, routed.skipped])
      for (const a of part!.acks) a.release('delivered');
    expect(outcomes).toEqual(['delivered']);
  });
});

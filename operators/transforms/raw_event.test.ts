import { describe, expect, it } from 'vitest';
import { testContext } from '../../engine/testing/context.ts';
import { runTransform } from '../../engine/testing/drivers.ts';
import rawEvent, { tradeDates } from './raw_event.ts';

const ctx = () => testContext({ root: process.cwd() });
const response = (over: Record<string, unknown> = {}) => ({
  source: 'tushare',
  dataset: 'daily',
  symbol: '600519.SH',
  params: { ts_code: '600519.SH', start_date: '20241230', end_date: '20241231' },
  fetched_at: '2024-12-31T08:00:00.000Z',
  rows: [
    { ts_code: '600519.SH', trade_date: '20241231', close: 1524 },
    { ts_code: '600519.SH', trade_date: '20241230', close: 1525 },
  ],
  ...over,
});

describe('raw_event', () => {
  it('wraps a collector response into a valid v1 event', async () => {
    const out = await runTransform(
      rawEvent,
      { mode: 'wrap' },
      [
        response(),
        response({ symbol: null, dataset: 'trade_cal', rows: [{ cal_date: '20240102', is_open: 1 }] }),
      ],
      ctx(),
    );
    expect(out.error).toBeUndefined();
    const [a, b] = out.out;
    expect(a).toMatchObject({
      schema_version: 1,
      scope: 'symbol',
      symbol: '600519.SH',
      trade_dates: ['2024-12-30', '2024-12-31'],
    });
    expect(a.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(String(b.id) > String(a.id)).toBe(true); // monotonic ULIDs
    expect(b).toMatchObject({ scope: 'market', symbol: null, trade_dates: ['2024-01-02'] });
  });

  it('sends responses that cannot form an event to error with the schema reason', async () => {
    const out = await runTransform(
      rawEvent,
      { mode: 'wrap' },
      [
        response({ source: 'bloomberg' }),
        response({ rows: 'nope' }),
        response({ fetched_at: 'yesterday' }),
        response({ dataset: 'Daily!' }),
      ],
      ctx(),
    );
    expect(out.out).toBeUndefined();
    const reasons = out.error.map((e) => e.reason as string);
    expect(reasons[0]).toMatch(/\/source must be equal to one of the allowed values/);
    expect(reasons[1]).toMatch(/\/rows must be array/);
    expect(reasons[2]).toMatch(/\/fetched_at must match format "date-time"/);
    expect(reasons[3]).toMatch(/\/dataset must match pattern/);
  });

  it('validates events read from the bus, including undecodable messages', async () => {
    const good = (await runTransform(rawEvent, { mode: 'wrap' }, [response()], ctx())).out[0];
    const out = await runTransform(
      rawEvent,
      { mode: 'validate' },
      [
        good,
        { ...good, schema_version: 2 },
        { _decode_error: 'message value is not JSON: Unexpected token', _raw: '{' },
        { ...good, extra: 1 },
      ],
      ctx(),
    );
    expect(out.out).toEqual([good]);
    expect(out.error.map((e) => e.reason)).toEqual([
      expect.stringMatching(/schema_version must be equal to constant/),
      'message value is not JSON: Unexpected token',
      expect.stringMatching(/must NOT have additional properties/),
    ]);
  });

  it('collects trade dates from any date field, skipping unparseable ones', () => {
    expect(
      tradeDates(
        [{ date: '20240103' }, { time: 1704124800000 }, { trade_date: 'bad' }, {}],
        ['trade_date', 'date', 'time'],
      ),
    ).toEqual(['2024-01-02', '2024-01-03']);
  });
});

/**
 * Raw events for the Bronze scenarios, built from the real recorded Tushare daily bars
 * (sim/data/tushare-daily): Tushare daily and QMT hist_kline views of the same bars in
 * several symbol spellings, a whole-market trade calendar, re-fetches (newer ones must win, a late
 * stale one must lose), exact duplicates, and one of every malformed class. `expected` is computed
 * independently of the normalisation code (decimal shifts on the CSV text).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ulid } from 'ulid';
import type { BusRecord } from '../../engine/backends/bus/types.ts';
import { REAL_DATA_DIR } from '../../operators/lib/hfq/real-data.ts';

const DATA = REAL_DATA_DIR;
export const SYMBOLS = ['600519.SH', '000001.SZ', '300750.SZ', '601318.SH', '000858.SZ', '600036.SH'].filter(
  (s) => {
    try {
      readFileSync(`${DATA}/${s}.csv`);
      return true;
    } catch {
      return false;
    }
  },
);

interface CsvBar {
  ts_code: string;
  trade_date: string;
  [k: string]: string;
}

function bars(symbol: string, days: number): CsvBar[] {
  const [head, ...lines] = readFileSync(`${DATA}/${symbol}.csv`, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines
    .slice(0, days)
    .map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])) as CsvBar);
}

/** `text × 10^k` exactly, via the decimal text (independent of the code under test). */
export function shift(text: string, k: number): number {
  const neg = text.startsWith('-');
  const [i, f = ''] = (neg ? text.slice(1) : text).split('.');
  const digits = (f + '0'.repeat(k)).slice(0, k);
  const rest = f.slice(k);
  return Number(`${neg ? '-' : ''}${i}${digits}${rest ? '.' + rest : ''}`);
}

const iso = (ymd: string) => `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
const spellings = (s: string) => {
  const [code, ex] = s.split('.');
  return [s, `${ex.toLowerCase()}${code}`, `${code}.${ex === 'SH' ? 'XSHG' : 'XSHE'}`, code];
};

export interface Scenario {
  messages: BusRecord[];
  expected: {
    tushare_daily: Map<string, { close: number; volume: number; amount: number; fetched_at: string }>;
    qmt_hist_kline: Map<string, { close: number; volume: number; amount: number }>;
    tushare_trade_cal: Set<string>;
    /** Reasons (regexps) of every reject, one each. */
    rejects: RegExp[];
  };
}

export function event(
  source: string,
  dataset: string,
  symbol: string | null,
  fetchedAt: string,
  rows: unknown[],
  over: Record<string, unknown> = {},
) {
  const dates = [
    ...new Set(
      rows
        .flatMap((r) =>
          r && typeof r === 'object'
            ? [((r as any).trade_date ?? (r as any).date ?? (r as any).cal_date) as string]
            : [],
        )
        .filter((d) => /^\d{8}$/.test(String(d)))
        .map((d) => iso(String(d))),
    ),
  ].sort();
  return {
    id: ulid(),
    schema_version: 1,
    source,
    dataset,
    scope: symbol === null ? 'market' : 'symbol',
    symbol,
    trade_dates: dates,
    params: {},
    fetched_at: fetchedAt,
    trace_id: randomBytes(16).toString('hex'),
    rows,
    ...over,
  };
}

const msg = (e: Record<string, unknown>): BusRecord => ({
  key: (e.symbol as string | null) ?? (e.dataset as string),
  value: JSON.stringify(e),
});

/** `days` bars per symbol, in events of `chunk` days. */
export function scenario(days = 12, chunk = 4): Scenario {
  const T0 = '2025-01-02T08:00:00.000Z';
  const T1 = '2025-01-03T08:00:00.000Z';
  const TOLD = '2025-01-01T08:00:00.000Z';
  const messages: BusRecord[] = [];
  const daily = new Map<string, { close: number; volume: number; amount: number; fetched_at: string }>();
  const qmt = new Map<string, { close: number; volume: number; amount: number }>();

  SYMBOLS.forEach((sym, si) => {
    const all = bars(sym, days);
    for (let c = 0; c < all.length; c += chunk) {
      const part = all.slice(c, c + chunk);
      const spelled = spellings(sym)[(si + c) % 4];
      const rows = part.map((b) => ({ ...b, ts_code: spelled }));
      const e = event('tushare', 'daily', sym, T0, rows);
      messages.push(msg(e));
      for (const b of part)
        daily.set(`${sym}|${iso(b.trade_date)}`, {
          close: Number(b.close),
          volume: shift(b.vol, 2),
          amount: shift(b.amount, 3),
          fetched_at: T0,
        });
      // QMT's view of the same bars: volume in 手, amount in yuan, the date as YYYYMMDD or epoch ms.
      const qrows = part.map((b, i) =>
        i % 2 === 0
          ? {
              date: b.trade_date,
              open: +b.open,
              high: +b.high,
              low: +b.low,
              close: +b.close,
              volume: Math.round(+b.vol),
              amount: shift(b.amount, 3),
            }
          : {
              time: Date.parse(`${iso(b.trade_date)}T00:00:00+08:00`),
              open: +b.open,
              high: +b.high,
              low: +b.low,
              close: +b.close,
              volume: Math.round(+b.vol),
              amount: shift(b.amount, 3),
              preClose: +b.pre_close,
              suspendFlag: 0,
            },
      );
      messages.push(
        msg(event('qmt', 'hist_kline', spellings(sym)[(si + c + 1) % 4].toUpperCase(), T0, qrows)),
      );
      for (const b of part)
        qmt.set(`${sym}|${iso(b.trade_date)}`, {
          close: Number(b.close),
          volume: Math.round(+b.vol) * 100,
          amount: shift(b.amount, 3),
        });
    }
    // Re-fetch of the first chunk later with a corrected close: the newer ingest wins...
    const first = all.slice(0, chunk);
    messages.push(
      msg(
        event(
          'tushare',
          'daily',
          sym,
          T1,
          first.map((b) => ({ ...b, close: String(Number(b.close) + 1) })),
        ),
      ),
    );
    for (const b of first)
      daily.set(`${sym}|${iso(b.trade_date)}`, {
        ...daily.get(`${sym}|${iso(b.trade_date)}`)!,
        close: Number(b.close) + 1,
        fetched_at: T1,
      });
    // ...an older fetch that arrives last loses, and an exact duplicate changes nothing.
    messages.push(
      msg(
        event(
          'tushare',
          'daily',
          sym,
          TOLD,
          first.map((b) => ({ ...b, close: '1.11' })),
        ),
      ),
    );
    messages.push(
      msg(
        event(
          'tushare',
          'daily',
          sym,
          T1,
          first.map((b) => ({ ...b, close: String(Number(b.close) + 1) })),
        ),
      ),
    );
  });

  const cal = ['20250102', '20250103', '20250106', '20250107'];
  const calRows = (ex: string) =>
    cal.map((d, i) => ({
      exchange: ex,
      cal_date: d,
      is_open: 1,
      pretrade_date: i ? cal[i - 1] : '20241231',
    }));
  messages.push(msg(event('tushare', 'trade_cal', null, T0, [...calRows('SSE'), ...calRows('SZSE')])));
  const tradeCal = new Set(['SSE', 'SZSE'].flatMap((ex) => cal.map((d) => `${ex}|${iso(d)}`)));

  // Every malformed class, each rejected once with its reason.
  const rejects: RegExp[] = [];
  messages.push({ key: 'garbage', value: '{"source": "tushare", "dataset": "daily", "rows": [' });
  rejects.push(/not JSON/);
  messages.push(msg(event('bloomberg', 'daily', '600519.SH', T0, [])));
  rejects.push(/\/source must be equal to one of the allowed values/);
  const noTrace = event('tushare', 'daily', '600519.SH', T0, []) as Record<string, unknown>;
  delete noTrace.trace_id;
  messages.push(msg(noTrace));
  rejects.push(/must have required property 'trace_id'/);
  messages.push(
    msg(
      event('tushare', 'moneyflow', '600519.SH', T0, [
        { ts_code: '600519.SH', trade_date: '20250102' },
        { ts_code: '600519.SH', trade_date: '20250103' },
      ]),
    ),
  );
  rejects.push(/no normalisation rule for source="tushare" dataset="moneyflow"/, /no normalisation rule/);
  const good = {
    ts_code: '600519.SH',
    open: '1',
    high: '1',
    low: '1',
    close: '1',
    pre_close: '1',
    change: '0',
    pct_chg: '0',
    vol: '1',
    amount: '1',
  };
  messages.push(
    msg(
      event('tushare', 'daily', '600519.SH', T0, [
        { ...good, ts_code: 'AAPL', trade_date: '20200102' },
        { ...good, trade_date: '20240230' },
        { ...good, trade_date: '20200103', close: 'abc' },
        { ...good, trade_date: '20200106', close: null },
        { ...good, trade_date: '20200107', vol: '-5' },
      ]),
    ),
  );
  // A row that is not an object makes the whole event malformed (the schema's rows are objects).
  messages.push(
    msg(
      event('tushare', 'daily', '000001.SZ', T0, [
        { ...good, ts_code: '000001.SZ', trade_date: '20200108' },
        5,
      ]),
    ),
  );
  rejects.push(
    /symbol: "AAPL" is not an A-share symbol/,
    /trade_date: "20240230" is not a valid calendar date/,
    /close: "abc" is not a number/,
    /close: missing/,
    /volume: -500 is below the minimum 0/,
    /\/rows\/1 must be object/,
  );
  return {
    messages,
    expected: { tushare_daily: daily, qmt_hist_kline: qmt, tushare_trade_cal: tradeCal, rejects },
  };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMarket } from './market.ts';
import { REAL_DATA_DIR } from './real.ts';

const small = () => createMarket({ symbols: 300, from: '20200101', to: '20241231', seed: 11 });

describe('simulated market', () => {
  const m = small();

  it('replays the real layer exactly (every recorded row of 600519.SH)', () => {
    const [header, ...lines] = readFileSync(join(REAL_DATA_DIR, '600519.SH.csv'), 'utf8').trim().split('\n');
    const cols = header.split(',');
    for (const line of lines) {
      const v = line.split(',');
      const row = m.daily('600519.SH', v[1])!;
      expect(row, v[1]).not.toBeNull();
      cols.forEach((c, i) => expect(row[c], `${v[1]} ${c}`).toBe(i < 2 ? v[i] : Number(v[i])));
    }
  });

  it('derives adj_factor from pre_close, anchored to the real 000001.SZ values', () => {
    expect(m.adjFactor('000001.SZ', '20200106')!.adj_factor).toBe(109.169);
    expect(m.adjFactor('000001.SZ', '20200529')!.adj_factor).toBe(111.048);
    // the step happens on the ex-date 2020-05-28 and not the day before
    expect(m.adjFactor('000001.SZ', '20200527')!.adj_factor).toBe(109.169);
    expect(m.adjFactor('000001.SZ', '20200528')!.adj_factor).toBe(111.048);
  });

  it('the real factor does not depend on the simulated range', () => {
    const late = createMarket({ symbols: 10, from: '20240601', to: '20240630', seed: 11 });
    expect(late.adjFactor('000001.SZ', '20240614')).toEqual(m.adjFactor('000001.SZ', '20240614'));
  });

  it('gives the QMT view in xtdata units (volume 手 integer, amount yuan, epoch ms)', () => {
    const ts = m.daily('000001.SZ', '20241231')!;
    const q = m.qmtBar('000001.SZ', '20241231')!;
    expect(q.volume).toBe(Math.round(ts.vol as number));
    expect(q.amount).toBeCloseTo((ts.amount as number) * 1000, 3);
    expect(q.time).toBe(Date.UTC(2024, 11, 30, 16));
    expect(q.preClose).toBe(ts.pre_close);
    expect(q.suspendFlag).toBe(0);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = small();
    const other = createMarket({ symbols: 300, from: '20200101', to: '20241231', seed: 12 });
    const code = m.instruments.find((i) => !i.real && i.list_status === 'L')!.ts_code;
    expect(a.daily(code, '20241231')).toEqual(m.daily(code, '20241231'));
    expect(other.instruments.map((i) => i.ts_code)).not.toEqual(m.instruments.map((i) => i.ts_code));
  });

  it('suspended days have no Tushare row and a flat QMT bar with suspendFlag 1, then -1 on resumption', () => {
    let found = false;
    for (const i of m.instruments) {
      const s = m.series(i.ts_code)!;
      const t = s.susp.indexOf(1);
      if (t <= s.start || i.list_status === 'P') continue;
      const d = m.calendar[t];
      expect(m.daily(i.ts_code, d)).toBeNull();
      const q = m.qmtBar(i.ts_code, d)!;
      expect(q).toMatchObject({ suspendFlag: 1, volume: 0, open: q.preClose, close: q.preClose });
      expect(m.adjFactor(i.ts_code, d)).not.toBeNull();
      const after = s.susp.indexOf(-1, t);
      if (after > 0) expect(m.qmtBar(i.ts_code, m.calendar[after])!.suspendFlag).toBe(-1);
      found = true;
      break;
    }
    expect(found).toBe(true);
  });

  it('corporate actions step the factor by close(T-1)/pre_close(T) and appear as 实施 dividends', () => {
    let checked = 0;
    for (const i of m.instruments.filter((x) => !x.real).slice(0, 80)) {
      for (const row of m.dividends(i.ts_code).filter((r) => r.div_proc === '实施')) {
        const ex = row.ex_date as string;
        const t = m.calendar.indexOf(ex);
        const prev = m.calendar[t - 1];
        const s = m.series(i.ts_code)!;
        const pre = s.preF[t] / 100;
        const close = s.closeF[t - 1] / 100;
        expect(
          Math.abs(pre - (close - (row.cash_div_tax as number)) / (1 + (row.stk_div as number))),
        ).toBeLessThanOrEqual(0.0051);
        expect(s.factor[t] / s.factor[t - 1]).toBeCloseTo(close / pre, 9);
        expect(m.adjFactor(i.ts_code, prev)).not.toBeNull();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('keeps K-line logic and price limits on synthetic bars', () => {
    for (const i of m.instruments.filter((x) => !x.real).slice(0, 50)) {
      for (const d of m.calendar.slice(-60)) {
        const r = m.daily(i.ts_code, d);
        if (!r) continue;
        const [o, h, l, c, p] = [r.open, r.high, r.low, r.close, r.pre_close] as number[];
        expect(h).toBeGreaterThanOrEqual(Math.max(o, c, l));
        expect(l).toBeLessThanOrEqual(Math.min(o, c));
        expect(Math.abs(c / p - 1)).toBeLessThanOrEqual(i.limit + 0.006);
      }
    }
  });

  it('has listings and delistings, valuation fields and broker ratings', () => {
    const big = createMarket({ symbols: 5400, from: '20240101', to: '20241231', seed: 3 });
    expect(big.instruments).toHaveLength(5400);
    expect(new Set(big.instruments.map((i) => i.ts_code)).size).toBe(5400);
    expect(big.instruments.some((i) => i.list_status === 'D' && i.delist_date! <= '20241231')).toBe(true);
    expect(big.instruments.some((i) => i.list_date >= '20240101')).toBe(true);
    const b = m.dailyBasic('600519.SH', '20241231')!;
    expect(b.total_mv).toBeCloseTo((b.close as number) * (b.total_share as number), 2);
    expect(m.reports('600519.SH').length).toBeGreaterThan(5);
  });

  it('disagrees with Tushare only a little on synthetic stocks (consistency ≥ 99%)', () => {
    let n = 0;
    let within = 0;
    for (const i of m.instruments.filter((x) => !x.real).slice(0, 150))
      for (const d of m.calendar.slice(-40)) {
        const t = m.daily(i.ts_code, d);
        const q = m.qmtBar(i.ts_code, d);
        if (!t || !q) continue;
        n++;
        if (Math.abs((q.close as number) - (t.close as number)) / (q.close as number) <= 0.005) within++;
      }
    expect(within / n).toBeGreaterThanOrEqual(0.99);
    expect(within).toBeLessThanOrEqual(n);
  });
});

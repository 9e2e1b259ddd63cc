import { describe, expect, it } from 'vitest';
import type { Rec } from '../../../engine/api/index.ts';
import { compileFusion, type KeyRows } from './resolve.ts';
import { daily, policyDoc } from './testing.ts';

const key = { symbol: '600519.SH', trade_date: '2024-06-14' };

function rows(...recs: Rec[]): KeyRows {
  const m: KeyRows = new Map();
  for (const r of recs) {
    const s = String(r.source);
    if (!m.has(s)) m.set(s, new Map());
    m.get(s)!.set(String(r.dataset), r);
  }
  return m;
}

const fuser = compileFusion(policyDoc().spec);
const tsFactor = { source: 'tushare', dataset: 'adj_factor', ...key, adj_factor: 109.169 };
const tsBasic = {
  source: 'tushare',
  dataset: 'daily_basic',
  ...key,
  pe_ttm: 25.5,
  pb: 8.1,
  total_mv: 180_000_000_000,
  dv_ttm: 1.75,
};

describe('fusion by the repository policy', () => {
  it("keeps a loss-maker's reported null pe_ttm as the value (lineage Tushare), unlike a missing row", () => {
    const bars = [daily('qmt'), daily('tushare'), tsFactor];
    const reported = fuser.fuse(key, rows(...bars, { ...tsBasic, pe_ttm: null }));
    expect(reported).toMatchObject({ pe_ttm: null, pe_ttm_source: 'Tushare', pb_mrq: 8.1 });
    const absent = fuser.fuse(key, rows(...bars));
    expect(absent).toMatchObject({ pe_ttm: null, pe_ttm_source: null, financials_source: null });
    // An invalid value is a gap, not a report: imputation may fill it.
    const invalid = fuser.fuse(key, rows(...bars, { ...tsBasic, pe_ttm: -12.5 }));
    expect(invalid).toMatchObject({ pe_ttm: null, pe_ttm_source: null });
    // Without the flag, a null is a gap like any other.
    const plain = compileFusion(
      policyDoc((spec) => {
        for (const g of spec.groups) if (g.fields.pe_ttm) delete g.fields.pe_ttm.reported_null;
      }).spec,
    ).fuse(key, rows(...bars, { ...tsBasic, pe_ttm: null }));
    expect(plain).toMatchObject({ pe_ttm: null, pe_ttm_source: null });
  });

  it('prefers miniQMT for prices and volume and Tushare for factor and financials', () => {
    const out = fuser.fuse(
      key,
      rows(daily('qmt'), daily('tushare', { close: 10.51, volume: 120100 }), tsFactor, tsBasic),
    );
    expect(out).toMatchObject({
      ...key,
      close: 10.5,
      close_source: 'miniQMT',
      open_source: 'miniQMT',
      volume: 120000,
      volume_source: 'miniQMT',
      turnover: 1260000,
      turnover_source: 'miniQMT',
      adj_factor: 109.169,
      adj_factor_source: 'Tushare',
      pe_ttm: 25.5,
      pb_mrq: 8.1,
      financials_source: 'Tushare',
      sources_present: ['qmt', 'tushare'],
      close_qmt: 10.5,
      close_ts: 10.51,
      volume_qmt: 120000,
      volume_ts: 120100,
    });
    expect(out.fusion_issues).toBeUndefined();
  });

  it('converts units by binding: dv_ttm percent → fraction; total_mv already yuan in Bronze', () => {
    const out = fuser.fuse(key, rows(daily('qmt'), tsBasic));
    expect(out.total_mv).toBe(180_000_000_000);
    expect(out.dividend_yield).toBeCloseTo(0.0175, 12);
    expect(out.dividend_yield_source).toBe('Tushare');
  });

  it('falls back to Tushare when miniQMT has no row', () => {
    const out = fuser.fuse(key, rows(daily('tushare', { close: 10.6 })));
    expect(out).toMatchObject({
      close: 10.6,
      close_source: 'Tushare',
      volume_source: 'Tushare',
      sources_present: ['tushare'],
      close_qmt: null,
    });
  });

  it.each([
    ['missing', { close: null }],
    ['not finite', { close: Number.NaN }],
    ['not positive', { close: 0 }],
    ['above high', { close: 12 }],
    ['high below low', { high: 9, low: 9.5 }],
  ])('takes the whole OHLC bar from Tushare when miniQMT close is %s', (_why, bad) => {
    const out = fuser.fuse(key, rows(daily('qmt', bad), daily('tushare', { open: 10.1, close: 10.6 })));
    expect(out).toMatchObject({
      open: 10.1,
      close: 10.6,
      close_source: 'Tushare',
      open_source: 'Tushare',
      high_source: 'Tushare',
      low_source: 'Tushare',
    });
    expect(out.volume_source).toBe('miniQMT'); // other groups keep their own order
    expect((out.fusion_issues as string[]).length).toBeGreaterThan(0);
  });

  it('falls back field by field when no source has a fully valid bar', () => {
    const out = fuser.fuse(
      key,
      rows(daily('qmt', { open: -1 }), daily('tushare', { close: null, open: 10.2 })),
    );
    expect(out).toMatchObject({ open: 10.2, open_source: 'Tushare', close: 10.5, close_source: 'miniQMT' });
  });

  it('leaves a field no source has valid for imputation, with the reasons', () => {
    const out = fuser.fuse(key, rows(daily('qmt', { close: -1 }), daily('tushare', { close: Infinity })));
    expect(out.close).toBeNull();
    expect(out.close_source).toBeNull();
    expect(out.fusion_issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^close@qmt: -1/),
        expect.stringMatching(/^close@tushare: Infinity is not finite/),
      ]),
    );
  });

  it('checks volume and turnover independently (field mode)', () => {
    const out = fuser.fuse(
      key,
      rows(daily('qmt', { volume: 100.5 }), daily('tushare', { volume: 120100, amount: 1 })),
    );
    expect(out).toMatchObject({
      volume: 120100,
      volume_source: 'Tushare',
      turnover: 1260000,
      turnover_source: 'miniQMT',
    });
  });

  it('takes adj_factor from Tushare first, miniQMT second, else leaves it null', () => {
    const qmtFactor = { source: 'qmt', dataset: 'adj_factor', ...key, adj_factor: 109.2 };
    expect(fuser.fuse(key, rows(daily('qmt'), qmtFactor, tsFactor))).toMatchObject({
      adj_factor: 109.169,
      adj_factor_source: 'Tushare',
    });
    expect(fuser.fuse(key, rows(daily('qmt'), qmtFactor))).toMatchObject({
      adj_factor: 109.2,
      adj_factor_source: 'miniQMT',
    });
    expect(fuser.fuse(key, rows(daily('qmt'), { ...tsFactor, adj_factor: 0 }))).toMatchObject({
      adj_factor: null,
      adj_factor_source: null,
    });
  });

  it('applies valuation ranges: pe_ttm 0–10000, pb > 0', () => {
    const out = fuser.fuse(key, rows(daily('qmt'), { ...tsBasic, pe_ttm: 12000, pb: -1 }));
    expect(out).toMatchObject({
      pe_ttm: null,
      pb_mrq: null,
      total_mv: 180_000_000_000,
      financials_source: 'Tushare',
    });
    const loss = fuser.fuse(key, rows(daily('qmt'), { ...tsBasic, pe_ttm: null }));
    expect(loss.pe_ttm).toBeNull();
  });

  it('uses Tushare only for dividend_yield, whatever miniQMT says', () => {
    const qmtBasic = { source: 'qmt', dataset: 'daily_basic', ...key, dv_ttm: 3 };
    const out = fuser.fuse(key, rows(daily('qmt'), qmtBasic));
    expect(out).toMatchObject({ dividend_yield: null, dividend_yield_source: null });
  });
});

describe('the policy, not the code, decides', () => {
  it('swapping the price order makes Tushare win', () => {
    const f = compileFusion(
      policyDoc((s) => {
        s.groups.find((g) => g.name === 'ohlc')!.order = ['tushare', 'qmt'];
      }).spec,
    );
    expect(f.fuse(key, rows(daily('qmt'), daily('tushare', { close: 10.6 })))).toMatchObject({
      close: 10.6,
      close_source: 'Tushare',
    });
  });

  it('tightening a rule invalidates a value', () => {
    const f = compileFusion(
      policyDoc((s) => {
        s.groups.find((g) => g.name === 'financials')!.fields.pe_ttm.rules = [{ max: 20 }];
      }).spec,
    );
    expect(f.fuse(key, rows(daily('qmt'), tsBasic)).pe_ttm).toBeNull();
  });

  it('rebinding a field reads another column', () => {
    const f = compileFusion(
      policyDoc((s) => {
        s.groups.find((g) => g.name === 'financials')!.fields.pe_ttm.from = 'pe';
      }).spec,
    );
    expect(f.fuse(key, rows(daily('qmt'), { ...tsBasic, pe: 30 })).pe_ttm).toBe(30);
  });

  it('refuses an inconsistent policy with a clear message', () => {
    expect(() =>
      compileFusion(
        policyDoc((s) => {
          s.groups[0].order = ['qmt', 'wind'];
        }).spec,
      ),
    ).toThrow(/unknown source "wind"/);
    expect(() =>
      compileFusion(
        policyDoc((s) => {
          s.groups[1].fields.close = {};
        }).spec,
      ),
    ).toThrow(/"close" appears in more than one group/);
  });
});

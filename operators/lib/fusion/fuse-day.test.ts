import { describe, expect, it } from 'vitest';
import type { Rec } from '../../../engine/api/index.ts';
import { tableFromRecords } from '../../../engine/api/index.ts';
import { indexDay } from './day-index.ts';
import { compileFusion, type KeyRows } from './resolve.ts';
import { daily, policyDoc } from './testing.ts';

const fuser = compileFusion(policyDoc().spec);

/** A market day of `n` symbols; `defect(i)` edits symbol i's rows (QMT bar, Tushare bar, basics). */
function market(n: number, defect: (i: number, qmt: Rec, ts: Rec, basic: Rec) => void) {
  const rows: Rec[][] = [[], [], [], []];
  for (let i = 0; i < n; i++) {
    const symbol = `${String(600000 + i)}.SH`;
    const qmt = daily('qmt', { symbol, close: 10 + (i % 7) / 10 });
    const ts = daily('tushare', { symbol, close: 10 + (i % 7) / 10, volume: 120000 + i });
    const basic: Rec = {
      source: 'tushare',
      dataset: 'daily_basic',
      symbol,
      trade_date: '2024-06-14',
      pe_ttm: 10 + i,
      pb: 2,
      total_mv: 1e9,
      dv_ttm: 1.2,
    };
    defect(i, qmt, ts, basic);
    if (qmt.symbol) rows[0].push(qmt);
    rows[1].push(ts);
    rows[3].push(basic);
    rows[2].push({
      source: 'tushare',
      dataset: 'adj_factor',
      symbol,
      trade_date: '2024-06-14',
      adj_factor: 1 + i / 100,
    });
  }
  return rows;
}

/** Each key fused alone (a one-key day, every source judged column-wise) for comparison. */
function oneByOne(rows: Rec[][]): Rec[] {
  const byKey = new Map<string, KeyRows>();
  for (const r of rows.flat()) {
    const k = String(r.symbol);
    if (!byKey.has(k)) byKey.set(k, new Map());
    const m = byKey.get(k)!;
    if (!m.has(String(r.source))) m.set(String(r.source), new Map());
    m.get(String(r.source))!.set(String(r.dataset), r);
  }
  return [...byKey]
    .map(([symbol, kr]) => fuser.fuse({ symbol, trade_date: '2024-06-14' }, kr))
    .sort((a, b) => String(a.symbol).localeCompare(String(b.symbol)));
}

const fuseDay = (rows: Rec[][]) =>
  fuser
    .fuseDay(
      indexDay(
        rows.map((r) => ({ table: tableFromRecords(r) })),
        fuser.keyColumns,
      ),
    )
    .objects() as Rec[];

describe('fuseDay', () => {
  it('judges fallback sources key by key when few keys need them, with the same result', () => {
    const rows = market(200, (i, qmt, ts, basic) => {
      if (i === 3) qmt.close = 99; // above high: the whole bar from Tushare
      if (i === 7) qmt.symbol = undefined; // no QMT row at all
      if (i === 11) qmt.volume = 1.5; // volume not an integer: Tushare's
      if (i === 12) basic.pe_ttm = -5; // loss-making: null, with the reasons
      if (i === 13) ts.close = null;
    });
    const day = fuseDay(rows);
    expect(day).toEqual(oneByOne(rows));
    expect(day[3]).toMatchObject({ close: 10.3, close_source: 'Tushare', open_source: 'Tushare' });
    expect(day[7]).toMatchObject({ close_source: 'Tushare', sources_present: ['tushare'] });
    expect(day[11]).toMatchObject({ volume: 120011, volume_source: 'Tushare', turnover_source: 'miniQMT' });
    expect(day[12]).toMatchObject({
      pe_ttm: null,
      fusion_issues: ['pe_ttm@tushare: -5 < min 0', 'pe_ttm@qmt: missing'],
    });
  });

  it('judges them column-wise when many keys need them (QMT down for most), with the same result', () => {
    const rows = market(64, (i, qmt) => {
      if (i % 3) qmt.symbol = undefined;
      if (i === 3) qmt.close = 99;
    });
    const day = fuseDay(rows);
    expect(day).toEqual(oneByOne(rows));
    expect(day.filter((r) => r.close_source === 'Tushare')).toHaveLength(43);
  });
});

import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Rec, SpecDoc } from '../../../engine/api/index.ts';
import { testContext } from '../../../engine/testing/context.ts';
import type { ColumnTable } from 'arquero';
import type { Batch, Emit } from '../../../engine/api/index.ts';
import { tableBatch, tableFromRecords } from '../../../engine/api/index.ts';
import { runTransform, testBatch } from '../../../engine/testing/drivers.ts';
import { loadTushareDaily } from '../../lib/impute/evaluate.ts';
import impute from '../impute.ts';
import { REAL_DATA_DIR } from '../../lib/hfq/real-data.ts';

const policyFile = new URL('../../../policies/impute.yaml', import.meta.url);
const policy = { ...(parse(readFileSync(policyFile, 'utf8')) as SpecDoc), file: policyFile.pathname };
const DATA = REAL_DATA_DIR;

/** Real bars of three symbols, one batch per trading day. */
function days(n: number): Rec[][] {
  const rows = loadTushareDaily(DATA, { symbols: ['000001.SZ', '600036.SH', '600519.SH'], lastDays: n });
  const byDay = new Map<string, Rec[]>();
  for (const r of rows)
    (
      byDay.get(r.trade_date as string) ?? byDay.set(r.trade_date as string, []).get(r.trade_date as string)!
    ).push(r);
  return [...byDay.keys()].sort().map((d) => byDay.get(d)!);
}
const drop = (r: Rec, ...fields: string[]) => {
  for (const f of fields) [r[f], r[`${f}_source`]] = [null, null];
  return r;
};

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('impute operator', () => {
  it('fills, flags and reports per day; consumes stock_basic; sends bad rows to error', async () => {
    const batches = days(40);
    const truth = batches[39][0].close;
    drop(batches[39][0], 'close', 'volume');
    batches[39][1].pe_ttm = 5.5;
    batches[39][1].pe_ttm_source = 'Tushare';
    batches[39].push({ symbol: '600519.SH', trade_date: 'yesterday', close: 1 });
    batches[0].unshift(
      { dataset: 'stock_basic', ts_code: '000001.SZ', industry: '银行' },
      { dataset: 'stock_basic', ts_code: '600036.SH', industry: '银行' },
    );
    const out = await runTransform(
      impute,
      { policy: 'default', forecaster: 'native' },
      batches,
      testContext({ specs: [policy] }),
    );

    expect(out.out).toHaveLength(3 * 40);
    expect(out.out.some((r) => r.dataset === 'stock_basic')).toBe(false);
    const last = out.out.filter((r) => r.trade_date === batches[39][0].trade_date);
    const filled = last.find((r) => r.symbol === batches[39][0].symbol)!;
    expect(filled.close_source).toBe('Imputed_ML');
    expect(filled.volume_source).toBe('Imputed_ML');
    expect(filled.imputed_fields).toEqual(['close', 'volume']);
    expect(Math.abs((filled.close as number) - (truth as number)) / (truth as number)).toBeLessThan(0.1);
    expect(last.find((r) => r.symbol === batches[39][1].symbol)!.imputed_fields).toEqual([]);

    expect(out.error).toHaveLength(1);
    expect(out.error[0]).toMatchObject({
      node: 'node',
      reason: expect.stringMatching(/symbol and trade_date/),
      record: { trade_date: 'yesterday' },
    });

    // One stats record per trading day; the valuation fields (absent in `daily`) are missing throughout.
    expect(out.stats).toHaveLength(40);
    const s = out.stats.at(-1)!;
    expect(s).toMatchObject({
      trade_date: batches[39][0].trade_date,
      rows: 3,
      key_missing_max: 0,
      imputed: { native: 2 },
    });
    expect(s.key_missing_max_before).toBeCloseTo(1 / 3, 9);
    expect(s).toMatchObject({ close_missing_rate: 0, volume_missing_rate: 0, pe_ttm_missing_rate: 2 / 3 });
    // pe_ttm of 000001.SZ: no history, no peer with a value that day except 600036.SH → one peer < min_peers 2.
    expect(out.alerts.filter((a) => a.active).map((a) => a.name)).toContain('ImputeTotalMissing');
  });

  it('fires P1 when a key field stays missing for more than 1 % of the day and resolves on a good day', async () => {
    const batches = days(4);
    drop(batches[2][0], 'close'); // no history long enough, but ffill from the day before works
    for (const r of batches[3]) drop(r, 'close'); // all three symbols
    // Day 3: the symbols have two days of history: prophet needs 30 → ffill (gap 1) fills them.
    const filled = await runTransform(
      impute,
      { forecaster: 'native' },
      batches,
      testContext({ specs: [policy] }),
    );
    expect(filled.stats.map((s) => s.key_missing_max)).toEqual([0, 0, 0, 0]);
    expect(
      filled.out
        .filter((r) => (r.imputed_fields as string[]).includes('close'))
        .every((r) => (r.imputation as Rec).close && r.close_source === 'Imputed_Static'),
    ).toBe(true);

    // A first day with no history at all cannot be filled: close missing for 1 of 3 rows.
    const cold = days(2);
    drop(cold[0][0], 'close');
    const out = await runTransform(impute, { forecaster: 'native' }, cold, testContext({ specs: [policy] }));
    const active = out.alerts.filter((a) => a.active);
    expect(active.map((a) => [a.name, a.severity, a.trade_date])).toContainEqual([
      'ImputeKeyFieldMissing',
      'P1',
      cold[0][0].trade_date,
    ]);
    const p1 = active.find((a) => a.name === 'ImputeKeyFieldMissing')!;
    expect(p1).toMatchObject({
      key_missing_field: 'close',
      labels: { pipeline: 'test', node: 'node', rule: 'DQ-COM-01' },
    });
    expect(p1.key_missing_max).toBeCloseTo(1 / 3, 9);
    // The next day is complete: the same alert is reported inactive, so a sink resolves the episode.
    const next = out.alerts.filter(
      (a) => a.name === 'ImputeKeyFieldMissing' && a.trade_date === cold[1][0].trade_date,
    );
    expect(next).toMatchObject([{ active: false }]);
    const unfilled = out.out
      .flatMap((r) => (r.impute_unfilled as { field: string; reason: string }[]) ?? [])
      .filter((u) => u.field === 'close');
    expect(unfilled).toEqual([
      {
        field: 'close',
        reason:
          'prophet: no earlier observation in the history; ffill: no earlier observation in the history',
      },
    ]);
  });

  it('falls back to the native models, and says so, when the Prophet worker cannot start', async () => {
    const batches = days(35);
    drop(batches[34][0], 'close');
    drop(batches[34][1], 'close');
    const { logger, lines } = capturingLogger();
    const ctx = { ...testContext({ specs: [policy] }), logger };
    const out = await runTransform(
      impute,
      { python: '/nonexistent/python3', worker: { cooldown_ms: 60_000 } },
      batches,
      ctx,
    );
    const filled = out.out.filter((r) => (r.imputed_fields as string[]).includes('close'));
    expect(filled).toHaveLength(2);
    for (const r of filled) {
      expect(r.close_source).toBe('Imputed_ML');
      expect((r.imputation as Record<string, Rec>).close).toMatchObject({
        method: 'native',
        model: 'native_drift',
        fallback: expect.stringMatching(/worker unavailable: .*nonexistent/),
      });
    }
    const warned = lines.filter(
      (l) => l.msg === 'Prophet worker unavailable; imputing with the native fallback models',
    );
    expect(warned).toHaveLength(1);
    const metrics = await ctx.metrics.registry.getSingleMetricAsString('argus_impute_forecasts_total');
    expect(metrics).toMatch(/argus_impute_forecasts_total\{model="native_drift",reason="fallback"\} 2/);
  });

  describe('column batches', () => {
    /** Calls `process` directly and keeps what was emitted as it was (tables stay tables). */
    async function processAll(input: Batch[]) {
      const t = (await impute.create(
        { forecaster: 'native' },
        testContext({ specs: [policy] }),
      )) as unknown as { process(b: Batch, e: Emit): Promise<void> };
      const out: { tables: ColumnTable[]; records: Rec[]; side: Rec[] }[] = [];
      for (const b of input) {
        const o = { tables: [] as ColumnTable[], records: [] as Rec[], side: [] as Rec[] };
        const emit = ((r: Rec, port = 'out') => void (port === 'out' ? o.records : o.side).push(r)) as Emit;
        emit.table = (tb, port = 'out') => {
          expect(port).toBe('out');
          o.tables.push(tb);
        };
        await t.process(b, emit);
        out.push(o);
      }
      return out;
    }
    const asTable = (rows: Rec[]) => tableBatch(tableFromRecords(rows), {}, []);
    const snapshot = (t: ColumnTable) =>
      Object.fromEntries(
        t.columnNames().map((c) => [c, Array.from(t.column(c) as unknown as ArrayLike<unknown>)]),
      );
    /** Real bars with the valuation fields Tushare `daily` lacks, reported: rows with nothing missing. */
    const complete = (rows: Rec[]) =>
      rows.map((r) => ({
        ...r,
        ...Object.fromEntries(
          ['pe_ttm', 'pb_mrq', 'total_mv', 'dividend_yield'].flatMap((f, i) => [
            [f, 10 ** i],
            [`${f}_source`, 'Tushare'],
          ]),
        ),
      }));
    const noAt = (r: Rec) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'at'));

    it('passes a complete day through as the same columns, adding only the lineage columns', async () => {
      const all = days(4).map(complete);
      const batches = all.slice(0, 3).map(asTable);
      const [, , last] = await processAll(batches);
      const input = batches[2].table!;
      expect(last.records).toEqual([]);
      expect(last.tables).toHaveLength(1);
      const out = last.tables[0];
      for (const c of input.columnNames()) expect(out.column(c)).toBe(input.column(c));
      expect(out.columnNames()).toEqual([...input.columnNames(), 'imputed_fields', 'impute_penalty']);
      expect(out.objects()).toEqual(
        input
          .objects()
          .map((r) => ({ ...r, imputed_fields: [], impute_penalty: { completeness: 0, accuracy: 0 } })),
      );
      // Complete days still feed the history: a gap the day after is carried forward from them.
      const next = all[3];
      drop(next[0], 'close');
      const [, , , gap] = await processAll([...batches, asTable(next)]);
      const filled = gap.tables[0].objects()[0] as Rec;
      expect(filled.close).toBe((last.tables[0].objects()[0] as Rec).close);
      expect(filled.imputation).toMatchObject({
        close: { method: 'ffill', from: batches[2].table!.get('trade_date', 0) },
      });
    });

    it('imputes only the rows with gaps, in new arrays, leaving the input table as it was', async () => {
      const rows = days(40);
      drop(rows[39][0], 'close', 'volume');
      drop(rows[39][2], 'pe_ttm');
      rows[38].push({ symbol: '600519.SH', trade_date: 'yesterday', close: 1 });
      rows[0].unshift({ dataset: 'stock_basic', ts_code: '000001.SZ', industry: '银行' });
      const tables = rows.map(asTable);
      const before = snapshot(tables[39].table!);
      const byColumns = await processAll(tables);
      const byRecords = await processAll(rows.map((r) => testBatch(r.map((x) => ({ ...x })))));
      expect(snapshot(tables[39].table!)).toEqual(before);

      const out = byColumns[39].tables[0];
      const input = tables[39].table!;
      for (const c of ['close', 'close_source', 'volume', 'volume_source'])
        expect(out.column(c)).not.toBe(input.column(c));
      for (const c of ['open', 'high', 'low', 'amount', 'symbol'])
        expect(out.column(c)).toBe(input.column(c));
      const [gapRow, ok] = out.objects() as Rec[];
      expect(gapRow.imputed_fields).toEqual(['close', 'volume']);
      expect(ok.imputed_fields).toEqual([]);
      expect(ok.imputation).toBeUndefined();

      // The same answers as record batches give, on every port.
      for (let d = 0; d < 40; d++) {
        const got = byColumns[d].tables.flatMap((t) => t.objects() as Rec[]);
        const want = byRecords[d].tables.flatMap((t) => t.objects() as Rec[]);
        expect(got).toEqual(want);
        expect(byColumns[d].side.map(noAt)).toEqual(byRecords[d].side.map(noAt));
      }
      expect(byColumns[38].side.filter((r) => r.reason)).toHaveLength(1);
      expect(byColumns[38].tables[0].numRows()).toBe(3);
      expect(byColumns[0].tables[0].numRows()).toBe(3);
    });

    it('fills a NaN in a typed (Float64Array) column and keeps the column typed', async () => {
      const rows = days(3).map(complete);
      const typed = (day: Rec[], gap = false) => {
        const t = tableFromRecords(day);
        const close = Float64Array.from(day, (r) => r.close as number);
        if (gap) close[1] = NaN; // a typed column has no null: NaN is its missing value
        return tableBatch(t.assign({ close }), {}, []);
      };
      const input = typed(rows[2], true);
      const [, , out] = await processAll([typed(rows[0]), typed(rows[1]), input]);
      const close = out.tables[0].column('close') as unknown as Float64Array;
      expect(close).toBeInstanceOf(Float64Array);
      expect(close).not.toBe(input.table!.column('close'));
      expect(Number.isNaN((input.table!.column('close') as unknown as Float64Array)[1])).toBe(true);
      expect(close[1]).toBe(rows[1][1].close); // carried forward from the day before
      expect(out.tables[0].get('close_source', 1)).toBe('Imputed_Static');
      expect(close[0]).toBe(rows[2][0].close);
    });
  });
});

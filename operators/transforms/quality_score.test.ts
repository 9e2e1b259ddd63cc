import type { ColumnTable } from 'arquero';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Batch, BatchTransform, Rec, SpecDoc, Transform } from '../../engine/api/index.ts';
import { tableBatch } from '../../engine/api/index.ts';
import { nodeOperator } from '../../engine/runtime/node-operator.ts';
import { testContext } from '../../engine/testing/context.ts';
import { emitter, runTransform, testBatch } from '../../engine/testing/drivers.ts';
import { asColumns, dropField, marketDay } from '../lib/quality/fixtures.ts';
import { repoQualitySpecs } from '../lib/quality/policies.ts';
import type { QualityScoreSpec } from '../lib/quality/types.ts';
import score from './quality_score.ts';

const specs = repoQualitySpecs();
const ctxWith = (docs: SpecDoc[] = specs) => testContext({ specs: docs, pipeline: 'gold', node: 'score' });
const DATE = '2024-12-31';
// 15:30 Asia/Shanghai: 30 minutes after the close.
const AT_1530 = new Date('2024-12-31T07:30:00Z');
const day = () =>
  marketDay({ symbols: 200, date: DATE, volatility: 0.02, seed: 5 }).map((r) => ({
    ...r,
    dq_consistent: true,
  }));

/** Runs the scorer over `rows` fed as one column batch; the output batch of each port. */
async function runColumns(
  config: object,
  rows: Rec[] | ColumnTable,
  ctx = ctxWith(),
): Promise<Record<string, Batch>> {
  const op = (await score.create(config, ctx)) as Transform;
  const batch = tableBatch(Array.isArray(rows) ? asColumns(rows) : (rows as ColumnTable), {}, []);
  const out = await lastValueFrom(from([batch]).pipe(nodeOperator('score', op), toArray()));
  return Object.fromEntries(out.map((p) => [p.port, p.batch]));
}

describe('quality_score', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(AT_1530);
  });
  afterEach(() => vi.useRealTimers());

  it('scores a normal day 100 (green) and each row 100, and drops the gate flags', async () => {
    const out = await runTransform(score, {}, day(), ctxWith());
    expect(out.out).toHaveLength(200);
    expect(out.out.every((r) => r.data_quality_score === 100 && !('dq_consistent' in r))).toBe(true);
    expect(out.out[0].last_verified_utc).toBe(AT_1530.toISOString());
    expect(out.report).toHaveLength(1);
    expect(out.report[0]).toMatchObject({
      trade_date: DATE,
      composite: 100,
      band: 'green',
      dq_com_01: 1,
      dq_acc_01: 1,
      dq_con_01: 1,
      dq_tim_01: true,
      timeliness_minutes: 30,
      key_missing_max: 0,
      total_missing_rate: 0,
      uniqueness_ratio: 1,
      validity_ratio: 1,
    });
  });

  it('computes the composite from the weights: K-line failures, missing closes, duplicates, inconsistency', async () => {
    const rows: Rec[] = day();
    rows[0] = { ...rows[0], high: Number(rows[0].low) * 0.9 }; // high < low: K-line broken
    rows[1] = { ...rows[1], close: null }; // a key field missing
    rows[2] = { ...rows[2], dq_consistent: false };
    rows[3] = { ...rows[3], pe_ttm: 20000 }; // out of range
    rows.push({ ...rows[4] }); // duplicate (symbol, trade_date)
    const out = await runTransform(score, {}, rows, ctxWith());
    const r = out.report[0];
    const n = 201;
    // Day dimensions by hand.
    const com = (199 / 200) * (1 - 1 / n / 7); // 199 of 200 symbols have a close; close missing on 1 of 201 rows, 7 key fields
    const acc = 200 / n;
    const con = 200 / n; // 201 flagged rows (the duplicate is flagged too), one inconsistent
    const vu = (200 / n + 200 / n) / 2; // one row out of range, one duplicate pair
    const expected = Math.round((30 * com + 25 * acc + 20 * con + 15 + 10 * vu) * 100) / 100;
    expect(r.composite).toBe(expected);
    expect(r).toMatchObject({
      expected_symbols: 200,
      collected_symbols: 199,
      close_missing_rate: 0.005,
      uniqueness_ratio: Math.round((200 / 201) * 1e6) / 1e6,
    });
    expect(JSON.parse(String(r.rule_failures))).toEqual({
      high_ge_max: 1,
      close_missing: 1,
      consistency: 1,
      pe_ttm_range: 1,
      duplicate_key: 2,
    });
    // Row scores.
    expect(out.out[0].data_quality_score).toBe(75); // accuracy 0
    expect(out.out[1].data_quality_score).toBe(Math.round((30 * (6 / 7) + 70) * 100) / 100);
    expect(out.out[2].data_quality_score).toBe(80);
    expect(out.out[3].data_quality_score).toBe(Math.round((100 - 10 * (1 / 2) * (1 / 12)) * 100) / 100); // 1 of 12 validity checks failed
    expect(out.out[4].data_quality_score).toBe(95); // duplicate
  });

  it('turns red below 85 when close is missing for many symbols, and reports P0/P1 inputs', async () => {
    const out = await runTransform(score, {}, dropField(day(), 'close', 0.5), ctxWith());
    const r = out.report[0];
    expect(r.close_missing_rate).toBe(0.5);
    expect(r.key_missing_max).toBe(0.5);
    expect(Number(r.composite)).toBeLessThan(85);
    expect(r.band).toBe('red');
  });

  it('counts symbols expected by the collector but absent from the batch against completeness', async () => {
    const out = await runTransform(score, {}, day(), ctxWith());
    expect(out.report[0].dq_com_01).toBe(1);
    const ctx = ctxWith();
    const t = (await score.create({}, ctx)) as BatchTransform;
    const { emit, rows } = emitter();
    await t.process(testBatch(day(), [], { expected_symbols: 250 }), emit);
    expect(rows('report')[0]).toMatchObject({
      dq_com_01: 0.8,
      close_missing_rate: 0.2,
      expected_symbols: 250,
    });
    expect(rows('out')).toHaveLength(200);
  });

  it('decays timeliness after 60 minutes and ignores it for backfills', async () => {
    vi.setSystemTime(new Date('2024-12-31T08:30:00Z')); // 90 min after close
    const late = await runTransform(score, {}, day(), ctxWith());
    expect(late.report[0]).toMatchObject({
      timeliness_minutes: 90,
      dq_tim_01: false,
      timeliness_score: 50,
      composite: 92.5,
      band: 'yellow',
    });
    vi.setSystemTime(new Date('2025-03-01T00:00:00Z'));
    const backfill = await runTransform(score, { timeliness: 'backfill' }, day(), ctxWith());
    expect(backfill.report[0]).toMatchObject({ timeliness_minutes: null, dq_tim_01: null, composite: 100 });
  });

  it('subtracts impute_penalty from the row completeness and accuracy before weighting (docs/impute.md)', async () => {
    const rows: Rec[] = day();
    rows[0] = { ...rows[0], imputed_fields: ['close'], impute_penalty: { completeness: 20, accuracy: 30 } };
    rows[1] = { ...rows[1], impute_penalty: { completeness: 500, accuracy: 500 } }; // floored at 0
    rows[2] = { ...rows[2], imputed_fields: [], impute_penalty: { completeness: 0, accuracy: 0 } };
    const out = await runTransform(score, {}, rows, ctxWith());
    // default weights: completeness 0.30, accuracy 0.25
    expect(out.out[0].data_quality_score).toBe(100 - 0.3 * 20 - 0.25 * 30);
    expect(out.out[1].data_quality_score).toBe(100 - 30 - 25);
    expect(out.out[2].data_quality_score).toBe(100);
    expect(out.out[3].data_quality_score).toBe(100);
    // imputed values count as present: the day's report is unchanged
    expect(out.report[0]).toMatchObject({ composite: 100, key_missing_max: 0 });
  });

  it('forwards passthrough rows unscored', async () => {
    const dividend = { dataset: 'dividend', symbol: '600519.SH', trade_date: DATE };
    const out = await runTransform(
      score,
      { passthrough: { field: 'dataset', values: ['dividend'] } },
      [dividend, ...day()],
      ctxWith(),
    );
    expect(out.out[0]).toEqual(dividend);
    expect(out.report[0]).toMatchObject({ rows: 200, composite: 100 });
  });

  it('follows edited weights in the QualityScore document', async () => {
    const [qp, qs, ap] = specs;
    const s = structuredClone(qs.spec) as QualityScoreSpec;
    s.dimensions.find((d) => d.id === 'timeliness')!.weight = 0.5;
    s.dimensions.find((d) => d.id === 'completeness')!.weight = 0.05;
    s.dimensions.find((d) => d.id === 'accuracy')!.weight = 0.15;
    s.dimensions.find((d) => d.id === 'consistency')!.weight = 0.2;
    s.dimensions.find((d) => d.id === 'validity_uniqueness')!.weight = 0.1;
    vi.setSystemTime(new Date('2024-12-31T08:30:00Z'));
    const out = await runTransform(score, {}, day(), ctxWith([qp, { ...qs, spec: s }, ap]));
    expect(out.report[0].composite).toBe(75);
  });

  it('exports the score, dimension, KPI, missing-rate and latency metrics', async () => {
    const ctx = ctxWith();
    await runTransform(score, {}, dropField(day(), 'pe_ttm', 0.1), ctx);
    const text = await ctx.metrics.registry.metrics();
    expect(text).toMatch(/dq_quality_score\{pipeline="gold"\} 100/);
    expect(text).toMatch(/dq_quality_dimension_score\{pipeline="gold",dimension="timeliness"\} 100/);
    expect(text).toMatch(/dq_field_missing_ratio\{pipeline="gold",field="pe_ttm"\} 0.1/);
    expect(text).toMatch(/dq_kpi_ratio\{pipeline="gold",kpi="DQ-COM-01"\} 1/);
    expect(text).toMatch(/argus_e2e_latency_seconds_bucket\{le="1800",pipeline="gold"\} 1/);
    expect(text).toMatch(/dq_timeliness_minutes\{pipeline="gold"\} 30/);
  });

  it('scores a column batch without building records: input columns shared, flags dropped, the same scores and report', async () => {
    const rows: Rec[] = (day() as Rec[]).map((r, i) =>
      i === 0
        ? { ...r, high: Number(r.low) * 0.9 }
        : i === 1
          ? { ...r, close: NaN }
          : i === 2
            ? { ...r, dq_consistent: false }
            : r,
    );
    const input = asColumns(rows);
    const out = await runColumns({}, input);
    const t = out.out.table!;
    expect(t).toBeDefined();
    expect(t.column('open')).toBe(input.column('open')); // shared, not copied
    expect(t.columnNames().filter((c) => c.startsWith('dq_'))).toEqual([]);
    expect(t.columnNames().slice(-2)).toEqual(['data_quality_score', 'last_verified_utc']);
    const records = await runTransform(score, {}, rows, ctxWith());
    expect(out.out.records).toEqual(records.out);
    expect(out.report.records).toEqual(records.report);
    expect(records.out.slice(0, 4).map((r) => r.data_quality_score)).toEqual([
      75,
      Math.round((30 * (6 / 7) + 70) * 100) / 100,
      80,
      100,
    ]);
  });

  it('lists rule failures in the order the rows first fail them, and finds duplicates in a sorted day', async () => {
    const rows: Rec[] = (day() as Rec[])
      .sort((a, b) => (String(a.symbol) < String(b.symbol) ? -1 : 1))
      .map((r, i) => (i === 0 ? { ...r, pe_ttm: -1 } : i === 1 ? { ...r, turnover: null, open: -1 } : r));
    rows.splice(11, 0, { ...rows[10] }); // a duplicate (symbol, trade_date) next to its twin
    const out = await runColumns({}, rows);
    const report = out.report.records[0];
    expect(report.rule_failures).toBe(
      JSON.stringify({
        pe_ttm_range: 1,
        low_le_min: 1,
        positive_prices: 1,
        turnover_missing: 1,
        duplicate_key: 2,
      }),
    );
    expect(report).toMatchObject({ rows: 201, uniqueness_ratio: Math.round((200 / 201) * 1e6) / 1e6 });
    expect(out.out.records[10].data_quality_score).toBe(95);
    expect(out.out.records[11].data_quality_score).toBe(95);
  });
});

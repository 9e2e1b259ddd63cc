import type { ColumnTable } from 'arquero';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Batch, Rec, SpecDoc, Transform } from '../../engine/api/index.ts';
import { tableBatch } from '../../engine/api/index.ts';
import { nodeOperator } from '../../engine/runtime/node-operator.ts';
import { testContext } from '../../engine/testing/context.ts';
import { runTransform } from '../../engine/testing/drivers.ts';
import { asColumns, marketDay, offsetCloses, realDay } from '../lib/quality/fixtures.ts';
import { editPolicy, repoQualitySpecs } from '../lib/quality/policies.ts';
import gate from './consistency_gate.ts';

const specs = repoQualitySpecs();
const ctxWith = (docs: SpecDoc[] = specs) => testContext({ specs: docs, pipeline: 'silver', node: 'gate' });
const day = (volatility: number) => marketDay({ symbols: 200, date: '2024-12-31', volatility, seed: 11 });

/** Runs the gate over one column batch; the output batch of each port. */
async function runColumns(config: object, t: ColumnTable, ctx = ctxWith()): Promise<Record<string, Batch>> {
  const op = (await gate.create(config, ctx)) as Transform;
  const out = await lastValueFrom(
    from([tableBatch(t, { traceId: 'T' }, [])]).pipe(nodeOperator('gate', op), toArray()),
  );
  return Object.fromEntries(out.map((p) => [p.port, p.batch]));
}

describe('consistency_gate', () => {
  it('publishes a normal day with per-row flags and one verdict', async () => {
    const ctx = ctxWith();
    const out = await runTransform(gate, {}, day(0.02), ctx);
    expect(out.out).toHaveLength(200);
    expect(out.quarantine).toBeUndefined();
    expect(out.out.every((r) => r.dq_consistent === true && r.dq_close_diff === 0)).toBe(true);
    expect(out.verdict).toHaveLength(1);
    expect(out.verdict[0]).toMatchObject({
      trade_date: '2024-12-31',
      verdict: 'published',
      consistency_ratio: 1,
      multiplier: 1,
      overlapping: 200,
    });
    expect(out.verdict[0].volatility_index).toBeCloseTo(0.02, 6);
    const metric = await ctx.metrics.registry.getSingleMetric('dq_multisource_consistency_ratio')!.get();
    expect(metric.values[0]).toMatchObject({ value: 1, labels: { pipeline: 'silver' } });
    // The quarantine counter exists at 0 before any incident, so Prometheus sees the first increase.
    const batches = await ctx.metrics.registry.getSingleMetric('argus_quarantined_batches_total')!.get();
    expect(batches.values).toEqual([{ value: 0, labels: { pipeline: 'silver', node: 'gate' } }]);
  });

  it('quarantines the whole day when 3 % of closes are off by 1 %, with reasons and review rows', async () => {
    const ctx = ctxWith();
    const out = await runTransform(gate, {}, offsetCloses(day(0.02), 0.03, 0.01), ctx);
    expect(out.out).toBeUndefined();
    expect(out.quarantine).toHaveLength(200);
    const v = out.verdict[0];
    expect(v).toMatchObject({
      verdict: 'quarantined',
      consistent: 194,
      overlapping: 200,
      consistency_ratio: 0.97,
    });
    expect(String(v.reason)).toMatch(/97% \(194\/200 rows\) below target 99%/);
    const bad = out.quarantine.filter((r) => r.row_consistent === false);
    expect(bad).toHaveLength(6);
    expect(String(bad[0].row_reasons)).toMatch(/^close diff 1% > tolerance 0\.5%/);
    expect(JSON.parse(String(bad[0].record)).symbol).toBe(bad[0].symbol);
    expect(out.review).toBeUndefined(); // exactly 1 % is not "> 1 %"
    const batches = await ctx.metrics.registry.getSingleMetric('argus_quarantined_batches_total')!.get();
    expect(batches.values[0].value).toBe(1);
  });

  it('lists diffs above 1 % for review', async () => {
    const out = await runTransform(gate, {}, offsetCloses(day(0.02), 0.01, -0.02), ctxWith());
    expect(out.review).toHaveLength(2);
    expect(out.review[0]).toMatchObject({
      field: 'close',
      diff: 0.02,
      tolerance: 0.005,
      verdict: 'published',
    });
  });

  it('widens the tolerance ×1.5 at a volatility index of 4 %: 0.7 % diffs quarantined on a calm day, published on a volatile one', async () => {
    const calm = await runTransform(gate, {}, offsetCloses(day(0.02), 0.03, 0.007), ctxWith());
    expect(calm.verdict[0]).toMatchObject({ verdict: 'quarantined', multiplier: 1 });
    const volatile = await runTransform(gate, {}, offsetCloses(day(0.04), 0.03, 0.007), ctxWith());
    expect(volatile.verdict[0]).toMatchObject({
      verdict: 'published',
      multiplier: 1.5,
      tolerance_close: 0.0075,
      tolerance_volume: 0.03,
    });
    expect(volatile.verdict[0].volatility_index).toBeCloseTo(0.04, 6);
  });

  it('1 % diffs exceed the 1.5× tolerance (0.75 %) and pass only under the 2.0× tier', async () => {
    const at4 = await runTransform(gate, {}, offsetCloses(day(0.04), 0.03, 0.01), ctxWith());
    expect(at4.verdict[0]).toMatchObject({ verdict: 'quarantined', multiplier: 1.5 });
    const at6 = await runTransform(gate, {}, offsetCloses(day(0.06), 0.03, 0.01), ctxWith());
    expect(at6.verdict[0]).toMatchObject({ verdict: 'published', multiplier: 2 });
  });

  it('evaluates the highest tier first whatever the YAML order', async () => {
    const reordered = editPolicy(specs[0], (s) => s.dynamic.tiers.reverse());
    const out = await runTransform(gate, {}, day(0.06), ctxWith([reordered, ...specs.slice(1)]));
    expect(out.verdict[0].multiplier).toBe(2);
  });

  it('changes the verdict when the policy threshold is edited (as a hot reload rebuilds the node)', async () => {
    const rows = offsetCloses(day(0.02), 0.03, 0.01);
    const looser = editPolicy(specs[0], (s) => (s.consistency.batch_target = 0.95));
    const before = await runTransform(gate, {}, rows, ctxWith());
    const after = await runTransform(gate, {}, rows, ctxWith([looser, ...specs.slice(1)]));
    expect(before.verdict[0].verdict).toBe('quarantined');
    expect(after.verdict[0].verdict).toBe('published');
    expect(after.out).toHaveLength(200);
  });

  it('flags volume disagreements beyond 2 % and ignores rows with one source', async () => {
    const rows: Rec[] = day(0.02).map((r, i) =>
      i === 0
        ? { ...r, volume_ts: Number(r.volume_qmt) * 1.03 }
        : i < 5
          ? { ...r, close_ts: null, volume_ts: null }
          : r,
    );
    const out = await runTransform(gate, { group_by: null }, rows, ctxWith());
    const v = out.verdict[0];
    expect(v).toMatchObject({ overlapping: 196, consistent: 195, verdict: 'published' });
    expect(out.out.slice(1, 5).every((r) => r.dq_consistent === null)).toBe(true);
    expect(out.out[0]).toMatchObject({ dq_consistent: false, dq_close_diff: 0, dq_volume_diff: 0.03 });
    expect(String(out.out[0].dq_reasons)).toMatch(/^volume diff 3% > tolerance 2%/);
  });

  it('judges each trading day of a batch separately', async () => {
    const good = marketDay({ symbols: 100, date: '2024-12-30', volatility: 0.02, seed: 3 });
    const bad = offsetCloses(
      marketDay({ symbols: 100, date: '2024-12-31', volatility: 0.02, seed: 4 }),
      0.05,
      0.01,
    );
    const out = await runTransform(gate, {}, [...good, ...bad], ctxWith());
    expect(out.out.map((r) => r.trade_date)).toEqual(Array(100).fill('2024-12-30'));
    expect(out.quarantine.map((r) => r.trade_date)).toEqual(Array(100).fill('2024-12-31'));
    expect(out.verdict.map((v) => v.verdict)).toEqual(['published', 'quarantined']);
  });

  it('accepts alias shapes for the source columns (qmt_close, nested sources)', async () => {
    const rows: Rec[] = [
      {
        symbol: '600519.SH',
        trade_date: '2024-12-31',
        qmt_close: 100,
        tushare_close: 100.2,
        high: 101,
        low: 99,
        pre_close: 100,
      },
      {
        symbol: '000001.SZ',
        trade_date: '2024-12-31',
        sources: { miniQMT: { close: 10, volume: 1000 }, Tushare: { close: 10.2, volume: 1000 } },
      },
    ];
    const out = await runTransform(gate, { group_by: null }, rows, ctxWith());
    expect(out.verdict[0]).toMatchObject({ overlapping: 2, consistent: 1 });
    expect(out.quarantine[1].row_reasons).toMatch(/close diff 2%/);
  });

  it('publishes real recorded bars (both sources agree) and computes the real volatility index', async () => {
    const rows = realDay('2024-12-31');
    expect(rows).toHaveLength(10);
    const out = await runTransform(gate, {}, rows, ctxWith());
    const expected =
      rows.reduce((a, r) => a + (Number(r.high) - Number(r.low)) / Number(r.pre_close), 0) / rows.length;
    expect(out.verdict[0]).toMatchObject({ verdict: 'published', consistency_ratio: 1 });
    expect(out.verdict[0].volatility_index).toBeCloseTo(expected, 6);
  });

  it('publishes a day where no row has both sources (failover to one source)', async () => {
    const rows = day(0.02).map((r) => ({ ...r, close_ts: null, volume_ts: null }));
    const out = await runTransform(gate, {}, rows, ctxWith());
    expect(out.verdict[0]).toMatchObject({ verdict: 'published', consistency_ratio: null, overlapping: 0 });
  });

  it('forwards passthrough rows untouched even when the day is quarantined', async () => {
    const dividend = {
      dataset: 'dividend',
      symbol: '600519.SH',
      trade_date: '2024-12-31',
      cash_div_tax: 27.6,
    };
    const out = await runTransform(
      gate,
      { passthrough: { field: 'dataset', values: ['dividend'] } },
      [dividend, ...offsetCloses(day(0.02), 0.03, 0.01)],
      ctxWith(),
    );
    expect(out.out).toEqual([dividend]);
    expect(out.verdict[0]).toMatchObject({ rows: 200, verdict: 'quarantined' });
  });

  it('fails at create with a clear error when the policy is missing', () => {
    expect(() => gate.create({ policy: 'strict' }, ctxWith())).toThrow(/no QualityPolicy named "strict"/);
  });

  it('gates a column batch without building records: the input columns go out shared, plus four flag columns', async () => {
    const rows = offsetCloses(day(0.02), 0.005, -0.02);
    const input = asColumns(rows);
    const out = await runColumns({}, input);
    const t = out.out.table!;
    expect(t).toBeDefined();
    expect(t.column('close')).toBe(input.column('close')); // shared, not copied
    expect(t.columnNames()).toEqual([
      ...input.columnNames(),
      'dq_consistent',
      'dq_reasons',
      'dq_close_diff',
      'dq_volume_diff',
    ]);
    // The same rows, flags, reviews and verdict as the same day fed as records.
    const records = await runTransform(gate, {}, rows, ctxWith());
    expect(out.out.records).toEqual(records.out);
    expect(out.review.records).toEqual(records.review.map((r) => ({ ...r, batch_id: '2024-12-31-T' })));
    expect(out.verdict.records[0]).toMatchObject({
      ...records.verdict[0],
      batch_id: '2024-12-31-T',
      evaluated_at: expect.any(String),
    });
  });

  it('reads non-finite values of numeric columns as missing, like null in a record', async () => {
    const rows = day(0.02).map((r, i) =>
      i === 0 ? { ...r, close_ts: NaN } : i === 1 ? { ...r, volume_ts: Infinity } : r,
    );
    const out = await runColumns({}, asColumns(rows));
    const [first, second] = out.out.records;
    expect(first).toMatchObject({ dq_consistent: null, dq_close_diff: null });
    expect(second).toMatchObject({ dq_consistent: true, dq_close_diff: 0, dq_volume_diff: null });
    expect(out.verdict.records[0]).toMatchObject({ rows: 200, overlapping: 199, consistent: 199 });
  });

  it('quarantines a day of a column batch with the full records for replay', async () => {
    const rows = offsetCloses(day(0.02), 0.03, 0.01);
    const out = await runColumns({}, asColumns(rows));
    expect(out.out).toBeUndefined();
    expect(out.quarantine.records).toHaveLength(200);
    expect(JSON.parse(String(out.quarantine.records[0].record))).toEqual(rows[0]);
    expect(out.quarantine.records[0]).toMatchObject({ row_consistent: false, close_qmt: rows[0].close_qmt });
  });
});

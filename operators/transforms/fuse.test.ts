import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Batch, Outcome, PortBatch, StreamTransform } from '../../engine/api/index.ts';
import { settle } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { runTransform, testBatch, testTableBatch } from '../../engine/testing/drivers.ts';
import { daily, policyDoc } from '../lib/fusion/testing.ts';
import fuse, { type FuseConfig } from './fuse.ts';

/** The repository policy, but waiting for the two sources only (timing tests stay small). */
const bySources = (spec: { expect?: string[] }) => {
  spec.expect = ['qmt', 'tushare'];
};
const ctx = (edit: Parameters<typeof policyDoc>[0] = bySources) => testContext({ specs: [policyDoc(edit)] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drives the stream operator by hand: push batches, collect port batches. */
async function harness(config: Partial<FuseConfig> = {}, edit?: Parameters<typeof policyDoc>[0]) {
  const t = (await fuse.create({ policy: 'a_share_daily', ...config }, ctx(edit))) as StreamTransform;
  const input = new Subject<Batch>();
  const out: PortBatch[] = [];
  let completed = false;
  const sub = input.pipe(t.operator).subscribe({
    next: (x) => out.push('port' in x ? x : { port: 'out', batch: x }),
    complete: () => {
      completed = true;
    },
  });
  return {
    input,
    out,
    sub,
    isCompleted: () => completed,
    fused: () => out.filter((p) => p.port === 'out' && p.batch.meta.trade_date),
  };
}

describe('fuse', () => {
  it('fuses a day by the policy (runTransform)', async () => {
    const out = await runTransform(
      fuse,
      { policy: 'a_share_daily' },
      [daily('qmt'), daily('tushare', { close: 10.51 }), daily('qmt', { symbol: '000001.SZ' })],
      ctx(),
    );
    expect(out.out).toHaveLength(2);
    expect(out.out.map((r) => [r.symbol, r.close, r.close_source])).toEqual([
      ['000001.SZ', 10.5, 'miniQMT'],
      ['600519.SH', 10.5, 'miniQMT'],
    ]);
  });

  it('waits for both sources, then emits the day once it is quiet, holding the acks', async () => {
    const h = await harness({ quiet_ms: 200, deadline_ms: 5000, tick_ms: 5 });
    const outcomes: Outcome[] = [];
    h.input.next(testBatch([daily('qmt')], outcomes));
    await sleep(300);
    expect(h.fused()).toHaveLength(0); // Tushare still missing, deadline far away
    h.input.next(testBatch([daily('tushare', { close: 10.51 })], outcomes));
    expect(h.fused()).toHaveLength(0); // not quiet yet
    await sleep(450);
    const [day] = h.fused();
    expect(day.batch.records).toHaveLength(1);
    expect(day.batch.meta).toMatchObject({
      trade_date: '2024-06-14',
      partitionTxnVersion: 20240614 /* no ingest times: the day */,
      fusion: { reason: 'complete', sources: ['qmt', 'tushare'], missing_sources: [] },
    });
    expect(day.batch.records[0]).toMatchObject({ close: 10.5, close_ts: 10.51, close_source: 'miniQMT' });
    expect(outcomes).toEqual([]); // held until the fused batch is settled downstream
    settle(day.batch, 'delivered');
    expect(outcomes).toEqual(['delivered', 'delivered']);
    h.sub.unsubscribe();
  });

  it('proceeds with what it has at the deadline, and lineage shows it', async () => {
    const h = await harness({ quiet_ms: 10, deadline_ms: 300, tick_ms: 5 });
    h.input.next(testBatch([daily('tushare', { close: 10.7 })]));
    await sleep(50);
    expect(h.fused()).toHaveLength(0);
    await sleep(400);
    const [day] = h.fused();
    expect(day.batch.meta.fusion).toMatchObject({ reason: 'deadline', missing_sources: ['qmt'] });
    expect(day.batch.records[0]).toMatchObject({
      close: 10.7,
      close_source: 'Tushare',
      volume_source: 'Tushare',
    });
    h.sub.unsubscribe();
  });

  it('sends rows for an already fused day to `late`, bad rows to `error`, passthrough datasets on', async () => {
    const h = await harness({ quiet_ms: 0, deadline_ms: 1000, tick_ms: 5 });
    h.input.next(testBatch([daily('qmt'), daily('tushare')]));
    await sleep(20);
    expect(h.fused()).toHaveLength(1);
    const outcomes: Outcome[] = [];
    const dividend = {
      source: 'tushare',
      dataset: 'dividend',
      symbol: '600519.SH',
      ex_date: '2024-06-19',
      cash_div_tax: 30.876,
      div_proc: '实施',
    };
    h.input.next(
      testBatch(
        [
          daily('qmt'),
          { ...daily('qmt'), symbol: null },
          daily('wind' as 'qmt'),
          dividend,
          { source: 'tushare', dataset: 'trade_cal' },
        ],
        outcomes,
      ),
    );
    const byPort = (p: string) => h.out.filter((x) => x.port === p).flatMap((x) => x.batch.records);
    expect(byPort('late')).toEqual([daily('qmt')]);
    expect(byPort('error').map((r) => r.reason)).toEqual([
      'fuse: row has no symbol',
      'fuse: unknown source "wind" (policy sources: qmt, tushare)',
    ]);
    expect(byPort('error')[0]).toMatchObject({ node: 'node', record: { symbol: null } });
    expect(byPort('out')).toContainEqual(dividend);
    for (const p of h.out.slice(1)) settle(p.batch, 'delivered');
    expect(outcomes).toEqual(['delivered']); // one input batch, settled once all its parts were
    h.sub.unsubscribe();
  });

  it('splits a multi-day batch into one output per day, oldest first, on completion', async () => {
    const h = await harness({ quiet_ms: 10_000, deadline_ms: 10_000 });
    const outcomes: Outcome[] = [];
    h.input.next(
      testBatch([daily('qmt', { trade_date: '2024-06-17' }), daily('qmt'), daily('tushare')], outcomes),
    );
    h.input.complete();
    const days = h.fused();
    expect(
      days.map((d) => [d.batch.meta.trade_date, (d.batch.meta.fusion as { reason: string }).reason]),
    ).toEqual([
      ['2024-06-14', 'end'],
      ['2024-06-17', 'end'],
    ]);
    expect(h.isCompleted()).toBe(true);
    settle(days[0].batch, 'delivered');
    expect(outcomes).toEqual([]);
    settle(days[1].batch, 'delivered');
    expect(outcomes).toEqual(['delivered']);
  });

  it('marks held batches errored when stopped, so the source redelivers', async () => {
    const h = await harness({ quiet_ms: 10_000, deadline_ms: 10_000 });
    const outcomes: Outcome[] = [];
    h.input.next(testBatch([daily('qmt')], outcomes));
    h.sub.unsubscribe();
    expect(outcomes).toEqual(['errored']);
  });

  it('versions a day by its newest Bronze ingest, so only new data replaces a committed day', async () => {
    const at = (fetched_at: string) => [
      daily('qmt', { fetched_at }),
      daily('tushare', { fetched_at: '2024-06-14T07:40:00Z' }),
    ];
    const version = async (rows: ReturnType<typeof at>) => {
      const h = await harness({ quiet_ms: 10_000 });
      h.input.next(testBatch(rows));
      h.input.complete();
      return h.fused()[0].batch.meta.partitionTxnVersion;
    };
    const v1 = await version(at('2024-06-14T07:45:00Z'));
    expect(v1).toBe(Date.parse('2024-06-14T07:45:00Z') / 1000);
    expect(await version(at('2024-06-14T07:45:00Z'))).toBe(v1);
    expect(await version(at('2024-06-15T01:00:00Z'))).toBeGreaterThan(v1 as number);
  });

  it('with the repository policy waits for every expected dataset, then fuses at once when all moved on', async () => {
    const h = await harness({ quiet_ms: 10_000, deadline_ms: 10_000, tick_ms: 5 }, () => {});
    const factor = (trade_date: string) => ({
      source: 'tushare',
      dataset: 'adj_factor',
      symbol: '600519.SH',
      trade_date,
      adj_factor: 8.5,
    });
    const basic = (trade_date: string) => ({
      source: 'tushare',
      dataset: 'daily_basic',
      symbol: '600519.SH',
      trade_date,
      pe_ttm: 30,
      pb: 9,
      dv_ttm: 1.5,
      total_mv: 2e12,
    });
    h.input.next(testBatch([daily('qmt'), daily('tushare'), factor('2024-06-14')]));
    await sleep(30);
    expect(h.fused()).toHaveLength(0); // daily_basic has not arrived; quiet is long
    h.input.next(testBatch([basic('2024-06-14')]));
    // Every stream moves on to the next day: 06-14 is done without waiting for quiet or deadline.
    h.input.next(
      testBatch([
        daily('qmt', { trade_date: '2024-06-17' }),
        daily('tushare', { trade_date: '2024-06-17' }),
        factor('2024-06-17'),
        basic('2024-06-17'),
      ]),
    );
    await sleep(30);
    const days = h.fused();
    expect(
      days.map((d) => [d.batch.meta.trade_date, (d.batch.meta.fusion as { reason: string }).reason]),
    ).toEqual([['2024-06-14', 'complete']]);
    expect(days[0].batch.records[0]).toMatchObject({
      adj_factor: 8.5,
      adj_factor_source: 'Tushare',
      pe_ttm: 30,
      close_source: 'miniQMT',
    });
    h.input.complete();
    expect(h.fused().map((d) => d.batch.meta.trade_date)).toEqual(['2024-06-14', '2024-06-17']);
  });

  it('does not take a stream that never delivered as done: deadline, with the missing streams named', async () => {
    const h = await harness({ quiet_ms: 0, deadline_ms: 300, tick_ms: 5 }, () => {});
    h.input.next(
      testBatch([
        daily('qmt'),
        daily('tushare'),
        daily('qmt', { trade_date: '2024-06-17' }),
        daily('tushare', { trade_date: '2024-06-17' }),
      ]),
    );
    await sleep(50);
    expect(h.fused()).toHaveLength(0);
    await sleep(400);
    expect(h.fused()[0].batch.meta.fusion).toMatchObject({
      reason: 'deadline',
      missing_sources: ['tushare/adj_factor', 'tushare/daily_basic'],
    });
    h.sub.unsubscribe();
  });

  it('reads Bronze columns and emits each day as one column table (numbers typed where none is missing)', async () => {
    const h = await harness({ quiet_ms: 10_000 });
    const dividend = { source: 'tushare', dataset: 'dividend', symbol: '600519.SH', ex_date: '2024-06-19' };
    h.input.next(testTableBatch([daily('qmt', { symbol: '600000.SH' }), daily('qmt'), dividend]));
    h.input.next(testTableBatch([daily('tushare'), daily('tushare', { symbol: '600000.SH', close: 10.6 })]));
    h.input.complete();
    const [day] = h.fused();
    const t = day.batch.table!;
    expect(t.numRows()).toBe(2);
    expect(t.column('close')).toBeInstanceOf(Float64Array);
    expect(Array.from(t.column('close') as unknown as Float64Array)).toEqual([10.5, 10.5]);
    expect(t.column('adj_factor')).toEqual([null, null]); // no factor rows: missing, plain array
    expect(day.batch.records.map((r) => [r.symbol, r.close_ts])).toEqual([
      ['600000.SH', 10.6],
      ['600519.SH', 10.5],
    ]);
    const passed = h.out.filter((p) => p.port === 'out' && !p.batch.meta.trade_date);
    expect(passed.flatMap((p) => p.batch.records)).toEqual([expect.objectContaining(dividend)]);
  });

  it('refuses a missing policy at create time', async () => {
    await expect(async () => fuse.create({ policy: 'nope' }, ctx())).rejects.toThrow(
      /no SourcePriority named "nope"/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { createLake } from '../../engine/lake/index.ts';
import type { Outcome, Rec } from '../../engine/api/index.ts';
import { Ack } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import deltaUpsert, { fill } from './delta_upsert.ts';
import { newestPerKey } from './delta_upsert/merge.ts';

const schemaDoc = {
  apiVersion: 'argus/v1' as const,
  kind: 'TableSchema',
  metadata: { name: 'bronze.t', version: 1 },
  spec: {
    table: 'bronze/t',
    partitionBy: ['trade_date'],
    columns: [
      { name: 'symbol', type: 'string', nullable: false },
      { name: 'trade_date', type: 'date', nullable: false },
      { name: 'close', type: 'double' },
      { name: 'fetched_at', type: 'timestamp', nullable: false },
    ],
  },
  file: 'schemas/bronze/t.yaml',
};

function setup() {
  const ctx = testContext({ specs: [schemaDoc] });
  const lake = createLake(ctx.paths.lake);
  (ctx as { backend: unknown }).backend = <T>(role: string) => {
    if (role !== 'lake') throw new Error(role);
    return lake as T;
  };
  return { ctx, lake };
}

const batch = (records: Rec[], to: number, outcomes: Outcome[] = []) => ({
  records,
  meta: { offsets: [{ topic: 'raw', partition: 0, from: String(to - records.length + 1), to: String(to) }] },
  acks: [new Ack((o) => outcomes.push(o))],
});
const row = (symbol: string, d: string, close: number, at: string, extra: Rec = {}) => ({
  table: 't',
  symbol,
  trade_date: d,
  close,
  fetched_at: at,
  ...extra,
});

describe('delta_upsert', () => {
  it('keeps the newest ingest per key across batches and skips a redelivered offset range', async () => {
    const { ctx, lake } = setup();
    const sink = await deltaUpsert.create(
      { schema: 'bronze.{table}', keys: ['symbol', 'trade_date'], order_by: 'fetched_at', app_id: 'bronze' },
      ctx,
    );
    if (sink.kind !== 'sink') throw new Error('not a sink');
    await sink.write(
      batch(
        [
          row('a', '2024-01-02', 1, '2024-01-02T08:00:00Z', { extra_field: 'dropped' }),
          row('b', '2024-01-02', 2, '2024-01-02T08:00:00Z'),
        ],
        1,
      ),
    );
    await sink.write(
      batch(
        [
          row('a', '2024-01-02', 10, '2024-01-03T08:00:00Z'),
          row('b', '2024-01-02', 99, '2024-01-01T08:00:00Z'),
          row('a', '2024-01-03', 3, '2024-01-03T08:00:00Z'),
        ],
        4,
      ),
    );
    // Redelivery of the first range with different content must change nothing.
    await sink.write(batch([row('a', '2024-01-02', 555, '2025-01-01T00:00:00Z')], 1));
    const rows = (await lake.table('bronze/t').read()).map((r) => [r.symbol, r.trade_date, r.close]).sort();
    expect(rows).toEqual([
      ['a', '2024-01-02', 10],
      ['a', '2024-01-03', 3],
      ['b', '2024-01-02', 2],
    ]);
    expect(await lake.table('bronze/t').txnVersion('bronze:bronze/t:raw:0')).toBe(4);
    expect(Object.keys((await lake.table('bronze/t').read())[0]).sort()).toEqual([
      'close',
      'fetched_at',
      'symbol',
      'trade_date',
    ]);
  });

  it('appends with one txn sequence per txn_by value', async () => {
    const { ctx, lake } = setup();
    const sink = await deltaUpsert.create(
      { schema: 'bronze.t', mode: 'append', app_id: 'rej', txn_by: ['symbol'] },
      ctx,
    );
    if (sink.kind !== 'sink') throw new Error('not a sink');
    // One emission (offsets ..5) reaching the sink as two batches, as from two error ports.
    await sink.write(batch([row('x', '2024-01-02', 1, '2024-01-02T08:00:00Z')], 5));
    await sink.write(batch([row('y', '2024-01-02', 1, '2024-01-02T08:00:00Z')], 5));
    await sink.write(batch([row('y', '2024-01-02', 1, '2024-01-02T08:00:00Z')], 5)); // redelivered: skipped
    expect(await lake.table('bronze/t').read()).toHaveLength(2);
  });

  it('fills table templates and reports missing fields', () => {
    expect(fill('bronze.{a}_{b}', { a: 'tushare', b: 'daily' })).toBe('bronze.tushare_daily');
    expect(() => fill('bronze.{a}', {})).toThrow(/record has no "a"/);
  });

  it('merges newest-per-key with ties to the later record', () => {
    const at = (s: string) => new Date(s);
    const out = newestPerKey(
      [
        { k: 1, t: at('2024-01-02T00:00:00Z'), v: 'table' },
        { k: 1, t: '2024-01-02T00:00:00.000Z', v: 'batch' },
        { k: 2, t: '2024-01-03T00:00:00.000Z', v: 'new' },
        { k: 2, t: '2024-01-01T00:00:00.000Z', v: 'old' },
      ],
      ['k'],
      't',
    );
    expect(out.map((r) => r.v)).toEqual(['batch', 'new']);
  });
});

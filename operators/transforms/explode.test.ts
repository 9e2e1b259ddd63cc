import { describe, expect, it } from 'vitest';
import { runTransform } from '../../engine/testing/drivers.ts';
import dedupeOp, { dedupe } from './dedupe.ts';
import explode from './explode.ts';

describe('explode', () => {
  it('emits one record per element with carried fields, bad elements to error', async () => {
    const out = await runTransform(explode, { field: 'rows', carry: { dataset: 'dataset', event_symbol: 'symbol' } }, [
      { dataset: 'daily', symbol: 's', rows: [{ close: 1, dataset: 'x' }, 7, { close: 2 }] },
      { dataset: 'daily', rows: [] },
      { dataset: 'daily' },
    ]);
    expect(out.out).toEqual([
      { close: 1, dataset: 'daily', event_symbol: 's' },
      { close: 2, dataset: 'daily', event_symbol: 's' },
    ]);
    expect(out.error.map((e) => e.reason)).toEqual(['rows[1] is not an object', 'field rows is missing']);
  });
});

describe('dedupe', () => {
  it('keeps the newest per key, later record on ties, first-appearance order', () => {
    const recs = [
      { k: 'a', t: '2024-01-02T00:00:00Z', v: 1 },
      { k: 'b', t: '2024-01-01T00:00:00Z', v: 2 },
      { k: 'a', t: '2024-01-01T00:00:00Z', v: 3 },
      { k: 'b', t: '2024-01-01T00:00:00Z', v: 4 },
    ];
    expect(dedupe(recs, ['k'], 't').map((r) => r.v)).toEqual([1, 4]);
  });
  it('runs as a batch operator', async () => {
    const out = await runTransform(dedupeOp, { keys: ['k'], order_by: 't' }, [
      [
        { k: 'a', t: 1 },
        { k: 'a', t: 3 },
        { k: 'a', t: 2 },
      ],
    ]);
    expect(out.out).toEqual([{ k: 'a', t: 3 }]);
  });
});

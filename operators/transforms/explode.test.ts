import { describe, expect, it } from 'vitest';
import { runTransform } from '../../engine/testing/drivers.ts';
import explode from './explode.ts';

describe('explode', () => {
  it('emits one record per element with carried fields, bad elements to error', async () => {
    const out = await runTransform(
      explode,
      { field: 'rows', carry: { dataset: 'dataset', event_symbol: 'symbol' } },
      [
        { dataset: 'daily', symbol: 's', rows: [{ close: 1, dataset: 'x' }, 7, { close: 2 }] },
        { dataset: 'daily', rows: [] },
        { dataset: 'daily' },
      ],
    );
    expect(out.out).toEqual([
      { close: 1, dataset: 'daily', event_symbol: 's' },
      { close: 2, dataset: 'daily', event_symbol: 's' },
    ]);
    expect(out.error.map((e) => e.reason)).toEqual(['rows[1] is not an object', 'field rows is missing']);
  });
});

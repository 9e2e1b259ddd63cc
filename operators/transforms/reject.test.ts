import { describe, expect, it } from 'vitest';
import { runTransform } from '../../engine/testing/drivers.ts';
import reject from './reject.ts';

describe('reject', () => {
  it('flattens error records with context from the rejected record', async () => {
    const out = await runTransform(
      reject,
      {
        context: { source: 'source', event_symbol: ['event_symbol', 'symbol'], event_id: ['event_id', 'id'] },
        max_payload: 100,
      },
      [
        {
          node: 'valid',
          reason: 'bad',
          at: '2024-06-14T08:00:00.000Z',
          record: { source: 'qmt', symbol: 's', id: 'E1', big: 'x'.repeat(200) },
        },
        {
          node: 'norm',
          reason: 'worse',
          at: '2024-06-14T23:59:59.000Z',
          record: { source: 'tushare', event_symbol: 'e', event_id: 'E2', symbol: { nested: true } },
        },
      ],
    );
    expect(out.out[0]).toMatchObject({
      node: 'valid',
      reason: 'bad',
      reject_date: '2024-06-14',
      source: 'qmt',
      event_symbol: 's',
      event_id: 'E1',
    });
    expect(String(out.out[0].payload)).toHaveLength(100);
    expect(out.out[1]).toMatchObject({
      event_symbol: 'e',
      event_id: 'E2',
      rejected_at: '2024-06-14T23:59:59.000Z',
    });
  });
});

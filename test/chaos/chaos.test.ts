/**
 * The chaos suite in `npm test`: the same experiments as `npm run chaos`, on a 200-symbol market,
 * on the real broker, Redis and delta-rs. Every experiment must leave Gold with zero lost and zero
 * duplicated rows and equal to the clean run's Gold (numbers; lineage only where a failover served
 * other rows), within its detection/recovery limits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { services } from '../helpers/services.ts';
import { formatTable, runSuite, type ChaosRow } from './suite.ts';

const SYMBOLS = Number(process.env.ARGUS_CHAOS_SYMBOLS ?? 200);
let rows: ChaosRow[] = [];

describe('chaos suite (real Kafka, Redis, simulator, delta-rs)', () => {
  afterAll(() => {
    if (rows.length) process.stderr.write(`\n${formatTable(rows)}\n`);
  });

  it(
    'every fault leaves Gold equal to the clean run, nothing lost or duplicated',
    { timeout: 600_000 },
    async () => {
      const svc = services();
      rows = await runSuite({
        date: '2024-06-14',
        symbols: SYMBOLS,
        seed: 3,
        brokers: svc.kafka.brokers,
        redisUrl: svc.redis.url,
        python: svc.python,
        log: () => {},
        // Shorter durations: a rate-limit error waits 2 s instead of the collector's real minute.
        spec: { rateLimitWaitMs: 2000 },
      });
      const clean = rows.find((r) => r.experiment === 'clean')!;
      expect(clean.note).toMatch(/^\d+ Gold rows/);
      for (const r of rows) {
        const what = `${r.experiment}: ${r.note}${r.error ? ` (${r.error})` : ''}`;
        expect(r.error, what).toBeUndefined();
        expect(r.rowsLost, what).toBe(0);
        expect(r.rowsDuplicated, what).toBe(0);
        expect(r.diff?.values_equal ?? true, `${what}; diff ${JSON.stringify(r.diff)}`).toBe(true);
        if (r.limits?.detectionMs !== undefined)
          expect(r.detectionMs, what).toBeLessThanOrEqual(r.limits.detectionMs);
        if (r.limits?.recoveryMs !== undefined)
          expect(r.recoveryMs, what).toBeLessThanOrEqual(r.limits.recoveryMs);
        expect(r.ok, `${what}; Gold = clean? ${r.goldEqual}`).toBe(true);
      }
      // The QMT outage is really served by Tushare, and a Tushare storm leaves the close on miniQMT.
      expect(rows.find((r) => r.experiment === 'qmt-outage')?.closeSource).toEqual({
        Tushare: expect.any(Number),
      });
      expect(
        Object.keys(rows.find((r) => r.experiment === 'tushare-5xx-storm')?.closeSource ?? {}),
      ).toContain('miniQMT');
      expect(rows.find((r) => r.experiment === 'gold-sigkill-rerun')?.note).toMatch(/^SIGKILL landed/);
    },
  );
});

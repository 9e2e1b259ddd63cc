/**
 * `argus daily` with ARGUS_BUS=kafka on the real broker: collect publishes to the topic, Bronze
 * consumes it as its own consumer group, Gold commits the day. Topic and group are renamed per run
 * (copies of the repo's specs) so earlier runs' messages do not leak in.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBus } from '../../engine/backends/bus/index.ts';
import { runDaily } from '../../engine/cli/commands/daily.ts';
import type { Market } from '../../sim/index.ts';
import { collectFile, ROOT, specFiles } from '../bronze/harness.ts';
import { services } from '../helpers/services.ts';
import { expectNormalDay } from './daily-check.ts';

describe('argus daily, ARGUS_BUS=kafka', () => {
  it('one trading day through the real broker to Gold and the quality tables', async () => {
    const brokers = services().kafka.brokers;
    const id = randomBytes(4).toString('hex');
    const names = { topic: `raw-${id}`, dlq: `dlq-${id}`, group: `bronze-${id}` };
    const files = specFiles(names);
    const lake = mkdtempSync(join(tmpdir(), 'argus-daily-kafka-'));
    let market: Market | undefined;
    const r = await runDaily({
      date: '2024-06-14',
      sim: { symbols: 120, seed: 6 },
      root: ROOT,
      env: { ARGUS_BUS: 'kafka', ARGUS_KAFKA_BROKERS: brokers.join(','), ARGUS_LAKE: lake },
      specs: { collect: [collectFile(names, files), ...files, 'policies'] },
      log: () => {},
      onSimulator: (s) => void (market = s.market),
    });
    await expectNormalDay(r, market!);
    // The raw events really went through the broker, and the Bronze group committed all of them.
    const bus = createBus({ type: 'kafka', brokers, clientId: 'argus-daily-e2e' });
    try {
      const end = await bus.endOffsets(names.topic);
      const committed = await bus.committed(names.group, names.topic);
      const total = [...end.values()].reduce((n, o) => n + Number(o), 0);
      expect(total).toBeGreaterThan(0);
      expect([...committed.values()].reduce((n, o) => n + Number(o), 0)).toBe(total);
    } finally {
      await bus.close();
    }
  });
});

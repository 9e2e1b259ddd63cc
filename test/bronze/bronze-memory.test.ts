/**
 * The Bronze pipeline on the embedded bus: same YAML, same operators, no broker. Fast check of
 * normalisation, duplicates and rejects; the real-broker scenarios are in bronze-kafka.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBus } from '../../engine/backends/bus/index.ts';
import { expectBronze } from './expectations.ts';
import { scenario } from './fixtures.ts';
import { drained, readTable, specFiles, startBronze } from './harness.ts';

describe('bronze.yaml on the embedded bus', () => {
  it('holds exactly the expected rows and rejects every malformed record with its reason', async () => {
    const bus = createBus({ type: 'memory' });
    const names = { topic: 'raw_data_topic', dlq: 'raw_data_dlq', group: 'bronze' };
    const lake = mkdtempSync(join(tmpdir(), 'argus-bronze-lake-'));
    const { messages, expected } = scenario();
    const engine = await startBronze(bus, lake, specFiles(names));
    const p = await bus.producer();
    await p.send(names.topic, messages);
    await drained(bus, names.topic, names.group);
    await engine.stop();
    expect(engine.failures).toEqual([]);
    await expectBronze(lake, expected);
    // The dead-letter topic got the same rejects.
    const dlq = await bus.endOffsets(names.dlq);
    expect([...dlq.values()].reduce((n, o) => n + Number(o), 0)).toBe(expected.rejects.length);
    expect(
      (await readTable(lake, 'bronze/rejects')).every((r) => typeof r.payload === 'string' && r.node),
    ).toBe(true);
  });
});

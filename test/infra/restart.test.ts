/**
 * A restart in place (what broker-restart fault tests use) keeps the port and the data: on a
 * private Kafka under a temporary ARGUS_HOME (the shared broker other tests use is not touched),
 * messages produced before a SIGKILL + restart are consumed after it, at the same address.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argusPath } from '../../infra/lib/paths.ts';
import { downServices, restartService, upServices } from '../../infra/manager.ts';
import { readState } from '../../infra/lib/state.ts';

describe('restart in place', () => {
  const saved = process.env.ARGUS_HOME;
  const libs = argusPath('kafka', 'libs'); // the shared install, resolved before switching homes
  let home: string;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'argus-restart-'));
    mkdirSync(join(home, 'kafka'));
    symlinkSync(libs, join(home, 'kafka', 'libs'));
    process.env.ARGUS_HOME = home;
  });
  afterAll(async () => {
    await downServices(['kafka']);
    if (saved === undefined) delete process.env.ARGUS_HOME;
    else process.env.ARGUS_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('keeps the broker address and the stored messages across a SIGKILL restart', async () => {
    const { records } = await upServices(['kafka']);
    const brokers = records.kafka.endpoint.brokers as string[];
    const kafka = new Kafka({ clientId: 'restart-test', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kept', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: 'kept',
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })),
    });
    await producer.disconnect();

    const before = readState('kafka')!;
    const after = await restartService('kafka', { hard: true });
    expect(after.pid).not.toBe(before.pid);
    expect(after.endpoint.brokers).toEqual(brokers);

    const consumer = kafka.consumer({ groupId: 'restart-test' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'kept', fromBeginning: true });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${got.length}/10 after restart`)), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(String(message.value));
          if (got.length === 10) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });
});

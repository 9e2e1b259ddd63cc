/** The real services answer: one round trip through each, through the endpoints tests use. */
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { ulid } from 'ulid';
import { services } from '../helpers/services.ts';

describe('kafka', () => {
  it('round-trips keyed messages through a topic created on the broker', async () => {
    const kafka = new Kafka({ clientId: 'infra-test', brokers: services().kafka.brokers, logLevel: logLevel.NOTHING });
    const topic = `infra-${ulid().toLowerCase()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId: `g-${topic}` });
    try {
      await producer.connect();
      const sent = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}` }));
      await producer.send({ topic, acks: -1, messages: sent });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${got.length}/20 messages consumed in 30s`)), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            got.push(`${message.key}=${message.value}`);
            if (got.length === sent.length) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      expect(got.sort()).toEqual(sent.map((m) => `${m.key}=${m.value}`).sort());
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('does not auto-create topics (pipelines declare theirs)', async () => {
    const kafka = new Kafka({ clientId: 'infra-test', brokers: services().kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 1 } });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await expect(producer.send({ topic: `nope-${ulid().toLowerCase()}`, messages: [{ value: 'x' }] })).rejects.toThrow();
    } finally {
      await producer.disconnect();
    }
  });
});

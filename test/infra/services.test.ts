/** The real services answer: one round trip through each, through the endpoints tests use. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { logFile, stateFile } from '../../infra/lib/paths.ts';
import { ulid } from 'ulid';
import { services } from '../helpers/services.ts';

describe('kafka', () => {
  it('round-trips keyed messages through a topic created on the broker', async () => {
    const kafka = new Kafka({
      clientId: 'infra-test',
      brokers: services().kafka.brokers,
      logLevel: logLevel.NOTHING,
    });
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
        const timer = setTimeout(
          () => reject(new Error(`only ${got.length}/20 messages consumed in 30s`)),
          30_000,
        );
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
    const kafka = new Kafka({
      clientId: 'infra-test',
      brokers: services().kafka.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 1 },
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await expect(
        producer.send({ topic: `nope-${ulid().toLowerCase()}`, messages: [{ value: 'x' }] }),
      ).rejects.toThrow();
    } finally {
      await producer.disconnect();
    }
  });
});

describe('redis', () => {
  it('answers PING and INCR', async () => {
    const redis = new Redis(services().redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
      const key = `infra:${ulid()}`;
      expect(await redis.incr(key)).toBe(1);
      expect(await redis.incrby(key, 41)).toBe(42);
      await redis.del(key);
    } finally {
      redis.disconnect();
    }
  });
});

describe('openbao', () => {
  it('is healthy and unsealed, and round-trips a KV v2 secret with versions', async () => {
    const { addr, token } = services().vault;
    const health = (await (await fetch(`${addr}/v1/sys/health`)).json()) as {
      initialized: boolean;
      sealed: boolean;
    };
    expect(health).toMatchObject({ initialized: true, sealed: false });
    const path = `infra-test/${ulid()}`;
    const headers = { 'X-Vault-Token': token, 'content-type': 'application/json' };
    const write = async (v: string) => {
      const r = await fetch(`${addr}/v1/kv/data/${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ data: { token: v } }),
      });
      expect(r.status).toBe(200);
    };
    const first = randomBytes(8).toString('hex');
    const second = randomBytes(8).toString('hex');
    await write(first);
    await write(second);
    const read = (await (await fetch(`${addr}/v1/kv/data/${path}`, { headers })).json()) as {
      data: { data: { token: string }; metadata: { version: number } };
    };
    expect(read.data.data.token).toBe(second);
    expect(read.data.metadata.version).toBe(2);
    const v1 = (await (await fetch(`${addr}/v1/kv/data/${path}?version=1`, { headers })).json()) as {
      data: { data: { token: string } };
    };
    expect(v1.data.data.token).toBe(first);
    const denied = await fetch(`${addr}/v1/kv/data/${path}`, { headers: { 'X-Vault-Token': 'not-a-token' } });
    expect(denied.status).toBe(403);
  });

  it('keeps its root token only in a 0600 state file, never in its log', () => {
    const { token } = services().vault;
    expect(statSync(stateFile('openbao')).mode & 0o077).toBe(0);
    expect(readFileSync(logFile('openbao'), 'utf8')).not.toContain(token);
  });
});

describe('tools', () => {
  it('promtool and amtool run', () => {
    expect(execFileSync(services().promtool, ['--version'], { encoding: 'utf8' })).toMatch(
      /promtool, version \d+\.\d+/,
    );
    expect(execFileSync(services().amtool!, ['--version'], { encoding: 'utf8' })).toMatch(
      /amtool, version \d+\.\d+/,
    );
  });

  it('the venv imports deltalake, duckdb (with the delta extension package) and prophet', () => {
    const code =
      'import deltalake, duckdb, duckdb_extension_delta, prophet, pyarrow; print(deltalake.__version__, duckdb.__version__)';
    const out = execFileSync(services().python, ['-c', code], { encoding: 'utf8', timeout: 120_000 });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+ \d+\.\d+\.\d+$/);
  });

  it('chromium reports its version', () => {
    const out = execFileSync(services().chromium, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(/Chromium \d+\./);
  });
});

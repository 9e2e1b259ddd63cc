/**
 * The Bronze `kafka` source when the broker is unreachable at start-up, on the real broker: the
 * source's `start()` returns instead of failing the job, it keeps retrying past the client's own
 * retries, and once the broker is reachable it consumes every event.
 *
 * "Unreachable" is the bootstrap address: a loopback port where nothing listens until a TCP
 * forwarder to the real broker opens it (kafkajs then talks to the broker's advertised address).
 * The shared broker itself is never stopped. The bus under test gives up each client-level attempt
 * after one retry, so the outage outlasts several attempts of the source.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createBus } from '../../engine/backends/bus/index.ts';
import type { Source } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import kafkaSource from '../../operators/sources/kafka.ts';
import { services } from '../helpers/services.ts';

const topicDoc = (name: string) => ({
  apiVersion: 'argus/v1' as const,
  kind: 'Topic',
  metadata: { name, version: 1 },
  spec: {
    partitions: 2,
    replication_factor: 1,
    retention_ms: 3_600_000,
    cleanup_policy: 'delete',
    min_insync_replicas: 1,
    compression: 'gzip',
  },
  file: 'topics.yaml',
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A loopback port nobody listens on (yet). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Forwards `port` to the real broker, byte for byte. */
function forwarder(port: number, target: string): Promise<Server> {
  const [host, to] = target.split(':');
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(Number(to), host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  cleanup.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kafka source, broker unreachable at start-up', () => {
  it('starts anyway, keeps retrying, and consumes everything once the broker is reachable', async () => {
    const broker = services().kafka.brokers[0];
    const topic = `startup-${randomBytes(4).toString('hex')}`;
    const events = 40;
    // The events are already in Kafka (collect ran); Bronze starts while the broker is away.
    const real = createBus({ type: 'kafka', brokers: [broker], clientId: 'argus-startup-test' });
    await real.declare([topicDoc(topic)]);
    const producer = await real.producer();
    await producer.send(
      topic,
      Array.from({ length: events }, (_, n) => ({ key: String(n % 7), value: JSON.stringify({ n }) })),
    );
    await producer.close();

    const port = await freePort();
    const late = createBus({
      type: 'kafka',
      brokers: [`127.0.0.1:${port}`],
      clientId: 'argus-startup-test',
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
    });
    const logs: string[] = [];
    const ctx = testContext({ backends: { bus: late }, specs: [topicDoc(topic)] });
    (ctx as { logger: unknown }).logger = pino(
      { level: 'info' },
      { write: (l: string) => void logs.push(l) },
    );
    const src = (await kafkaSource.create(
      { topics: [topic], group: `${topic}-g`, startup_wait_ms: 500, retry_max_ms: 1000 },
      ctx,
    )) as Source;
    cleanup.push(() => src.close?.());

    const t0 = Date.now();
    await src.start!(); // does not throw: the job runs while the source waits for the broker
    expect(Date.now() - t0).toBeLessThan(3000);

    const ac = new AbortController();
    cleanup.push(() => ac.abort());
    const got: number[] = [];
    const reading = (async () => {
      for await (const e of src.read(ac.signal)) {
        for (const r of e.records) got.push(r.n as number);
        e.settled?.('delivered');
        if (got.length >= events) return;
      }
    })();

    await sleep(4000);
    expect(got).toEqual([]);
    const failures = logs.filter((l) => l.includes('cannot reach the broker'));
    expect(failures.length).toBeGreaterThanOrEqual(2); // several attempts failed, none was fatal

    await forwarder(port, broker);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      reading,
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`consumed ${got.length}/${events} within 60 s of the broker becoming reachable`),
            ),
          60_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: events }, (_, n) => n));
    expect(logs.some((l) => l.includes('kafka source connected'))).toBe(true);
  });
});

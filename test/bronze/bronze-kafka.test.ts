/**
 * Bronze on the real Kafka broker:
 * - N events with duplicates and every malformed class → exactly the expected rows and rejects;
 * - a worker SIGKILLed mid-stream and restarted → no lost and no duplicated rows;
 * - the broker restarted mid-stream → the pipeline resumes by itself, nothing lost;
 * - two workers in one group split the partitions and write the same tables as one worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createBus } from '../../engine/backends/bus/index.ts';
import type { Bus } from '../../engine/backends/bus/types.ts';
import type { KafkaBus } from '../../engine/backends/bus/kafka.ts';
import { AssignerProtocol } from 'kafkajs';
import { restart, services } from '../helpers/services.ts';
import { expectBronze } from './expectations.ts';
import { scenario } from './fixtures.ts';
import { drained, readTable, ROOT, specFiles, startBronze, type Names } from './harness.ts';

const busErrors: string[] = [];
const bus: Bus = createBus({
  type: 'kafka',
  brokers: services().kafka.brokers,
  clientId: 'argus-bronze-test',
  onError: (m) => busErrors.push(m),
});
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function fresh(): { names: Names; lake: string; files: string[] } {
  const id = randomBytes(4).toString('hex');
  const names = { topic: `raw-${id}`, dlq: `dlq-${id}`, group: `bronze-${id}` };
  return { names, lake: mkdtempSync(join(tmpdir(), 'argus-bronze-lake-')), files: specFiles(names) };
}

async function publish(
  topic: string,
  messages: { key: string | null; value: string | Buffer }[],
  chunk = 50,
): Promise<void> {
  const p = await bus.producer();
  for (let i = 0; i < messages.length; i += chunk) await p.send(topic, messages.slice(i, i + chunk));
  await p.close();
}

/** Declares the scenario's topics from its copy of schemas/events/topics.yaml, as the engine does at start. */
async function declare(files: string[]): Promise<void> {
  const docs = parseAllDocuments(readFileSync(files[1], 'utf8')).map((d) => d.toJS());
  const reports = await bus.declare(docs);
  expect(reports.map((r) => r.action)).toEqual(['created', 'created']);
}

function worker(lake: string, files: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'test/bronze/worker.ts'),
      JSON.stringify({ brokers: services().kafka.brokers, lake, files }),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve(child));
    child.on('exit', (code) =>
      reject(new Error(`worker exited (${code}) before ready: ${err.slice(-2000)}`)),
    );
  });
}

/** For each member of the group: does it own at least one partition? */
async function groupSplit(group: string): Promise<boolean[]> {
  const admin = (bus as KafkaBus).kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    return (groups[0]?.members ?? []).map((m) => {
      const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      return Object.values(a?.assignment ?? {}).flat().length > 0;
    });
  } finally {
    await admin.disconnect();
  }
}

const committedTotal = async (names: Names) =>
  [...(await bus.committed(names.group, names.topic)).values()].reduce(
    (n, o) => n + Math.max(0, Number(o)),
    0,
  );

describe('Bronze on the real broker', () => {
  it('N events with duplicates and every malformed class → exactly the expected rows, the rest rejected with reasons', async () => {
    const { names, lake, files } = fresh();
    const { messages, expected } = scenario(12, 4);
    await declare(files);
    const engine = await startBronze(bus, lake, files);
    await publish(names.topic, messages);
    await drained(bus, names.topic, names.group, 120_000);
    await engine.stop();
    expect(engine.failures).toEqual([]);
    await expectBronze(lake, expected);
    const dlq = await bus.endOffsets(names.dlq);
    expect([...dlq.values()].reduce((n, o) => n + Number(o), 0)).toBe(expected.rejects.length);
  });

  it('a Bronze worker SIGKILLed mid-stream and restarted loses and duplicates nothing', async () => {
    const { names, lake, files } = fresh();
    const { messages, expected } = scenario(40, 2);
    await declare(files);
    const total = messages.length;
    const third = Math.floor(total / 3);
    await publish(names.topic, messages.slice(0, third));
    let w = await worker(lake, files);
    await expect.poll(() => committedTotal(names), { timeout: 120_000, interval: 50 }).toBeGreaterThan(0);
    // The stream is flowing: more is published while the worker consumes, then it is killed
    // without warning (whatever it had fetched, written or not yet committed is in flight).
    await publish(names.topic, messages.slice(third, 2 * third), 10);
    w.kill('SIGKILL');
    await new Promise((r) => w.once('exit', r));
    const atKill = await committedTotal(names);
    expect(atKill).toBeLessThan(total);
    await publish(names.topic, messages.slice(2 * third));
    w = await worker(lake, files);
    await drained(bus, names.topic, names.group, 180_000);
    w.kill('SIGTERM');
    await new Promise((r) => w.once('exit', r));
    await expectBronze(lake, expected);
  });

  it('a broker restart mid-stream: the pipeline resumes by itself and nothing is lost', async () => {
    const { names, lake, files } = fresh();
    const { messages, expected } = scenario(40, 2);
    await declare(files);
    const half = Math.floor(messages.length / 2);
    await publish(names.topic, messages.slice(0, half));
    const engine = await startBronze(bus, lake, files);
    await expect.poll(() => committedTotal(names), { timeout: 120_000, interval: 100 }).toBeGreaterThan(0);
    await restart('kafka', { hard: true, pauseMs: 2000 });
    await publish(names.topic, messages.slice(half));
    await drained(bus, names.topic, names.group, 180_000);
    await engine.stop();
    expect(engine.failures).toEqual([]);
    await expectBronze(lake, expected);
  });

  it('two workers in one group split the partitions and write the same tables as one worker', async () => {
    const one = fresh();
    const two = fresh();
    const { messages, expected } = scenario(24, 3);
    await declare(one.files);
    await declare(two.files);
    await publish(one.names.topic, messages);
    await publish(two.names.topic, messages);

    const single = await startBronze(bus, one.lake, one.files);
    await drained(bus, one.names.topic, one.names.group, 180_000);
    await single.stop();

    const a = await startBronze(bus, two.lake, two.files);
    const b = await startBronze(bus, two.lake, two.files);
    // Both are members of the group and each owns some of the 6 partitions.
    await expect
      .poll(() => groupSplit(two.names.group), { timeout: 60_000, interval: 250 })
      .toEqual([true, true]);
    await drained(bus, two.names.topic, two.names.group, 180_000);
    await a.stop();
    await b.stop();

    await expectBronze(one.lake, expected);
    await expectBronze(two.lake, expected);
    for (const t of ['bronze/tushare_daily', 'bronze/qmt_hist_kline', 'bronze/tushare_trade_cal']) {
      const norm = (rows: Record<string, unknown>[]) =>
        rows.map((r) => JSON.stringify({ ...r, event_id: null })).sort();
      expect(norm(await readTable(two.lake, t))).toEqual(norm(await readTable(one.lake, t)));
    }
  });
});

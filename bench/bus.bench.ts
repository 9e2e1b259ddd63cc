/**
 * `npm run bench -- bus`: the same raw events through the same broker, three ways:
 * 1. raw kafkajs: idempotent producer (acks=all) → consumer group, JSON decode, manual commit per batch;
 * 2. Argus collect → Kafka → Bronze without the Delta write (collect.yaml-shaped pipeline from a
 *    JSONL file of collector responses, then pipelines/bronze.yaml with its Delta sinks swapped for
 *    a no-op log sink): wrap + validate + explode + normalise + dedupe, commits after the sink;
 * 3. the same with the Delta writes (the real bronze.yaml).
 * Rows: events/s, rows/s and the ratio to raw kafkajs (goal ≥ 0.7 without Delta).
 * Events are real Tushare daily bars (sim/data/tushare-daily), `rows_per_event` per event.
 *
 * Standalone: `node --import tsx bench/bus.bench.ts [events] [repeats]` (needs `npm run services -- up kafka`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { createBus } from '../engine/backends/bus/index.ts';
import type { KafkaBus } from '../engine/backends/bus/kafka.ts';
import { createLake } from '../engine/lake/index.ts';
import { Engine } from '../engine/runtime/engine.ts';
import { services } from '../test/helpers/services.ts';
import { bronzeRegistry, ROOT, specFiles } from '../test/bronze/harness.ts';
import type { Bench, BenchOptions, BenchRow } from './types.ts';
import { REAL_DATA_DIR } from '../operators/lib/hfq/real-data.ts';

export interface BusBenchOptions {
  events?: number;
  /** Interleaved repetitions; the rows report medians. Default 3. */
  repeats?: number;
  rowsPerEvent?: number;
  brokers?: string[];
}

export interface BusBenchRow extends BenchRow {
  metric: string;
  events: number;
  rows: number;
  seconds: number;
  events_per_s: number;
  rows_per_s: number;
  ratio: number;
}

const DATA = REAL_DATA_DIR;

/**
 * Collector responses shaped like a daily collection: each response holds one trade date's bars
 * of `rowsPerEvent` symbols (the QMT collector batches `symbols=`; Tushare answers whole-market by
 * trade_date). 1,000 synthetic symbols (600000.SH …) replay the real bars of the ten recorded stocks.
 */
function responses(events: number, rowsPerEvent: number, symbols = 1000): Record<string, unknown>[] {
  const files = readdirSync(DATA)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  const series = files.map((f) => {
    const [head, ...lines] = readFileSync(join(DATA, f), 'utf8').trim().split('\n');
    const cols = head.split(',');
    return lines.map((l) =>
      Object.fromEntries(l.split(',').map((v, i) => [cols[i], i >= 2 ? Number(v) : v])),
    );
  });
  const groups = Math.ceil(symbols / rowsPerEvent);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; out.length < events; i++) {
    const day = Math.floor(i / groups);
    const group = i % groups;
    const date = series[0][day % series[0].length].trade_date;
    const rows = Array.from({ length: rowsPerEvent }, (_, k) => {
      const n = group * rowsPerEvent + k;
      const s = series[n % series.length];
      return { ...s[day % s.length], ts_code: `${600000 + n}.SH`, trade_date: date };
    });
    out.push({
      source: 'tushare',
      dataset: 'daily',
      symbol: null,
      params: { trade_date: date },
      fetched_at: new Date(Date.UTC(2025, 0, 1) + i).toISOString(),
      rows,
    });
  }
  return out;
}

/** The raw event (as collect would publish it) for the kafkajs peer. */
function asEvent(r: Record<string, unknown>): string {
  return JSON.stringify({
    id: '01JGZ0000000000000000000000',
    schema_version: 1,
    scope: 'market',
    trade_dates: [],
    trace_id: randomBytes(16).toString('hex'),
    ...r,
  });
}

async function rawKafkajs(bus: KafkaBus, input: Record<string, unknown>[]): Promise<number> {
  const topic = `bench-raw-${randomBytes(4).toString('hex')}`;
  await bus.ensureTopics([
    { name: topic, partitions: 6, replicationFactor: 1, config: { 'compression.type': 'gzip' } },
  ]);
  const producer = bus.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = bus.kafka.consumer({ groupId: `${topic}-g`, maxWaitTimeInMs: 200 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let rows = 0;
  let events = 0;
  const t0 = performance.now();
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          rows += (JSON.parse(m.value!.toString()).rows as unknown[]).length;
          events++;
        }
        await consumer.commitOffsets([
          { topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
        ]);
        if (events >= input.length) resolve();
      },
    });
  });
  for (let i = 0; i < input.length; i += 100)
    await producer.send({
      topic,
      acks: -1,
      messages: input.slice(i, i + 100).map((r) => ({ key: r.dataset as string, value: asEvent(r) })),
    });
  await done;
  const s = (performance.now() - t0) / 1000;
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  if (rows !== input.reduce((n, r) => n + (r.rows as unknown[]).length, 0))
    throw new Error('kafkajs peer lost rows');
  return s;
}

async function argus(bus: KafkaBus, input: Record<string, unknown>[], withDelta: boolean): Promise<number> {
  const id = randomBytes(4).toString('hex');
  const names = { topic: `bench-${id}`, dlq: `bench-dlq-${id}`, group: `bench-${id}` };
  const dir = mkdtempSync(join(tmpdir(), 'argus-bench-bus-'));
  const lake = join(dir, 'lake');
  const [bronzeFile, topicsFile, schemas] = specFiles(names, join(dir, 'spec'));
  if (!withDelta) {
    const doc = parse(readFileSync(bronzeFile, 'utf8'));
    for (const n of doc.spec.nodes)
      if (n.type === 'delta_upsert') Object.assign(n, { type: 'log', config: { level: 'debug' } });
    writeFileSync(bronzeFile, stringify(doc));
  }
  const jsonl = join(dir, 'responses.jsonl');
  writeFileSync(jsonl, input.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const collect = join(dir, 'collect.yaml');
  writeFileSync(
    collect,
    stringify({
      apiVersion: 'argus/v1',
      kind: 'Pipeline',
      metadata: { name: 'collect', version: 1 },
      spec: {
        settings: { max_in_flight: 16 },
        nodes: [
          { id: 'responses', type: 'file', config: { path: jsonl, format: 'jsonl', batch_size: 100 } },
          { id: 'wrap', type: 'raw_event', inputs: ['responses'], config: { mode: 'wrap' } },
          {
            id: 'publish',
            type: 'kafka',
            inputs: ['wrap'],
            config: { topic: names.topic, key: ['symbol', 'dataset'] },
          },
        ],
      },
    }),
  );
  const engine = Engine.create({
    registry: await bronzeRegistry(),
    root: ROOT,
    lakeRoot: lake,
    logger: pino({ level: 'warn' }),
    backends: {
      bus: () => Object.assign(Object.create(bus), { close: async () => {} }),
      lake: (env) => createLake(env.lakeRoot),
    },
  });
  const errors = await engine.load([collect, bronzeFile, topicsFile, schemas]);
  if (errors.length) throw new Error(JSON.stringify(errors));
  // Like the peer: topics exist and clients are connected before the clock starts (the group
  // join happens inside the measured time for both).
  await bus.declare(parseAllDocuments(readFileSync(topicsFile, 'utf8')).map((d) => d.toJS()));
  await engine.start();
  const t0 = performance.now();
  const debug = (what: string) =>
    process.env.BENCH_DEBUG && console.error(`${what} +${((performance.now() - t0) / 1000).toFixed(2)}s`);
  // Wait until collect published everything and Bronze committed all of it (one admin
  // connection polled every 25 ms, so detection adds little to the measured time).
  const admin = bus.kafka.admin();
  await admin.connect();
  const sum = (xs: { offset?: string; high?: string }[]) =>
    xs.reduce((n, x) => n + Math.max(0, Number(x.offset ?? x.high)), 0);
  while (sum(await admin.fetchTopicOffsets(names.topic)) < input.length)
    await new Promise((r) => setTimeout(r, 25));
  debug('published');
  const deadline = Date.now() + 600_000;
  while (
    sum((await admin.fetchOffsets({ groupId: names.group, topics: [names.topic] }))[0].partitions) <
    input.length
  ) {
    if (Date.now() > deadline) throw new Error(`bronze did not commit ${names.topic} in time`);
    await new Promise((r) => setTimeout(r, 25));
  }
  debug('drained');
  await admin.disconnect();
  const s = (performance.now() - t0) / 1000;
  await engine.stop();
  if (withDelta) {
    const n = (
      await createLake(lake)
        .table('bronze/tushare_daily')
        .read({ columns: ['symbol'] })
    ).length;
    if (n === 0) throw new Error('bronze/tushare_daily is empty after the bench');
  }
  return s;
}

const bench = {
  name: 'bus',
  description:
    'raw kafkajs produce+consume vs Argus collect→Kafka→Bronze (without, then with the Delta write); events/s, rows/s, ratio',
  async run(opts: Partial<BenchOptions> & BusBenchOptions = {}): Promise<BusBenchRow[]> {
    // Under the runner (`npm run bench -- bus [--scale s] [--runs n]`) one repetition per run, the
    // runner takes medians; called directly, medians of `repeats` interleaved repetitions.
    const events = opts.events ?? Math.max(200, Math.round(5000 * (opts.scale ?? 1)));
    const repeats = opts.repeats ?? (opts.scale !== undefined ? 1 : 3);
    const rowsPerEvent = opts.rowsPerEvent ?? 20;
    const bus = createBus({
      type: 'kafka',
      brokers: opts.brokers ?? services().kafka.brokers,
      clientId: 'argus-bench',
    }) as KafkaBus;
    const input = responses(events, rowsPerEvent);
    const rows = input.reduce((n, r) => n + (r.rows as unknown[]).length, 0);
    const row = (name: string, s: number, base: number): BusBenchRow => ({
      metric: name,
      events,
      rows,
      seconds: Number(s.toFixed(3)),
      events_per_s: Math.round(events / s),
      rows_per_s: Math.round(rows / s),
      ratio: Number((base / s).toFixed(2)),
    });
    // Interleaved repetitions, medians: the machine is shared, so single runs are noisy.
    const times: number[][] = [[], [], []];
    for (let i = 0; i < repeats; i++) {
      times[0].push(await rawKafkajs(bus, input));
      times[1].push(await argus(bus, input, false));
      if (!process.env.BENCH_SKIP_DELTA) times[2].push(await argus(bus, input, true));
    }
    const median = (xs: number[]) =>
      xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN;
    const [peer, plain, delta] = times.map(median);
    return [
      row('raw kafkajs produce+consume', peer, peer),
      row('argus collect→kafka→bronze (no delta)', plain, peer),
      row('argus collect→kafka→bronze + delta', delta, peer),
    ];
  },
} satisfies Bench;
export default bench;

if (process.argv[1]?.endsWith('bus.bench.ts')) {
  const events = Number(process.argv[2] ?? 5000);
  const rows = await bench.run({ events, repeats: Number(process.argv[3] ?? 3) });
  console.table(rows);
  process.exit(0);
}

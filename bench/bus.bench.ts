/**
 * `npm run bench -- bus`: the same raw events through the same broker, three ways:
 * 1. raw kafkajs: idempotent producer (acks=all, one request in flight) → consumer group, JSON
 *    decode, manual commit per batch;
 * 2. Argus collect → Kafka → Bronze without the Delta write (a collect.yaml-shaped pipeline under
 *    collect.yaml's settings, then pipelines/bronze.yaml with its Delta sinks swapped for a no-op
 *    log sink): wrap + validate + explode + normalise, commits after the sink;
 * 3. the same with the Delta writes (the real bronze.yaml).
 * Rows: events/s, rows/s and the ratio to raw kafkajs (goal ≥ 0.7 without Delta).
 * Events are real Tushare daily bars (sim/data/tushare-daily), `rows_per_event` per event.
 *
 * Both sides measure the same window: it starts once the topics exist, the clients are connected
 * and the consumer group is joined (kafkajs `run()` resolves after the join; the Argus kafka source
 * joins in `start()`), and it ends when the last offset is committed, seen in-process by both
 * (Argus: a wrapper around its kafkajs consumer's `commitOffsets`). Both start from the same
 * response objects in memory (Argus through bench/lib/responses-source.ts), so neither pays a JSON
 * parse of its input that the other skips, and collect publishes nothing before the clock starts.
 * (Until 2026-11 Argus read a JSONL file, began publishing while Bronze was still joining, and the
 * peer's join was inside its window: a head start for Argus, a fixed cost for the peer, and a
 * JSON parse only Argus paid.)
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
import { discover } from '../engine/registry/discover.ts';
import { Registry } from '../engine/registry/registry.ts';
import { pipelineKind } from '../engine/spec/pipeline-kind.ts';
import tableSchemaKind from '../engine/lake/table-schema-kind.ts';
import topicKind from '../engine/backends/bus/topic-kind.ts';
import { ROOT, specFiles } from '../test/bronze/harness.ts';
import benchResponses, { responsesFeed } from './lib/responses-source.ts';
import type { Bench, BenchOptions, BenchRow } from './types.ts';
import { REAL_DATA_DIR } from '../operators/lib/hfq/real-data.ts';

export interface BusBenchOptions {
  events?: number;
  /** Interleaved repetitions; the rows report medians. Default 5 (2 per run under the runner). */
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
  cpu_ms_per_1k_events: number;
  /** Median per-pair ratio of the peer's CPU time to this case's (this process, all threads). */
  cpu_ratio: number;
}

const DATA = REAL_DATA_DIR;

/**
 * Collector responses shaped like a daily collection: each response holds one trade date's bars
 * of `rowsPerEvent` symbols (the QMT collector batches `symbols=`; Tushare answers whole-market by
 * trade_date). 1,000 synthetic symbols (600000.SH …) replay the real bars of the ten recorded stocks.
 */
export function responses(events: number, rowsPerEvent: number, symbols = 1000): Record<string, unknown>[] {
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

export async function rawKafkajs(bus: KafkaBus, input: Record<string, unknown>[]): Promise<Timing> {
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
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  // `run` resolves once the group is joined and synced: like Argus (whose kafka source joins in
  // `start()`), the join is outside the measured window.
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        rows += (JSON.parse(m.value!.toString()).rows as unknown[]).length;
        events++;
      }
      await consumer.commitOffsets([
        { topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
      ]);
      if (events >= input.length) finished();
    },
  });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < input.length; i += 100)
    await producer.send({
      topic,
      acks: -1,
      messages: input.slice(i, i + 100).map((r) => ({ key: r.dataset as string, value: asEvent(r) })),
    });
  await done;
  const s = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  if (rows !== input.reduce((n, r) => n + (r.rows as unknown[]).length, 0))
    throw new Error('kafkajs peer lost rows');
  return { s, cpu };
}

let registry: Promise<Registry> | undefined;
/** The operators of the repo plus the bench's in-memory source. */
function benchRegistry(): Promise<Registry> {
  return (registry ??= (async () => {
    const r = new Registry([pipelineKind, tableSchemaKind, topicKind]);
    await discover(r, join(ROOT, 'operators'));
    r.operators.register(benchResponses);
    return r;
  })());
}

/** The settings of pipelines/collect.yaml (the bench's collect pipeline runs under them). */
function collectSettings(): Record<string, unknown> {
  return parse(readFileSync(join(ROOT, 'pipelines/collect.yaml'), 'utf8')).spec.settings ?? {};
}

export async function argus(
  bus: KafkaBus,
  input: Record<string, unknown>[],
  withDelta: boolean,
): Promise<Timing> {
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
  const feed = responsesFeed(id, input);
  const collect = join(dir, 'collect.yaml');
  writeFileSync(
    collect,
    stringify({
      apiVersion: 'argus/v1',
      kind: 'Pipeline',
      metadata: { name: 'collect', version: 1 },
      spec: {
        settings: collectSettings(),
        nodes: [
          // The responses the peer publishes, from memory (see bench/lib/responses-source.ts).
          { id: 'responses', type: 'bench_responses', config: { feed: id, batch_size: 100 } },
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
  // Bronze's commits, seen in-process as the peer sees its own (no broker polling in the window).
  let committed = 0;
  let drained!: () => void;
  const allCommitted = new Promise<void>((r) => (drained = r));
  const offsets = new Map<number, number>();
  const kafka = Object.assign(Object.create(bus.kafka), {
    consumer(config: Parameters<KafkaBus['kafka']['consumer']>[0]) {
      const c = bus.kafka.consumer(config);
      const commit = c.commitOffsets.bind(c);
      c.commitOffsets = async (list) => {
        await commit(list);
        for (const o of list)
          if (o.topic === names.topic) {
            committed += Number(o.offset) - (offsets.get(o.partition) ?? 0);
            offsets.set(o.partition, Number(o.offset));
          }
        if (committed >= input.length) drained();
      };
      return c;
    },
  });
  const engine = Engine.create({
    registry: await benchRegistry(),
    root: ROOT,
    lakeRoot: lake,
    logger: pino({ level: 'warn' }),
    backends: {
      bus: () => Object.assign(Object.create(bus), { kafka, close: async () => {} }),
      lake: (env) => createLake(env.lakeRoot),
    },
  });
  const errors = await engine.load([collect, bronzeFile, topicsFile, schemas]);
  if (errors.length) throw new Error(JSON.stringify(errors));
  // Like the peer: topics exist, clients are connected and Bronze's group is joined (the kafka
  // source joins in start()) before the clock starts; collect publishes nothing until the feed opens.
  await bus.declare(parseAllDocuments(readFileSync(topicsFile, 'utf8')).map((d) => d.toJS()));
  await engine.start();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  feed.open();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    allCommitted,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bronze did not commit ${names.topic} in time`)), 600_000);
    }),
  ]).finally(() => clearTimeout(timer));
  const s = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  if (process.env.BENCH_DEBUG) console.error(`argus ${s.toFixed(3)} s, ${committed} events committed`);
  feed.close();
  await engine.stop();
  if (withDelta) {
    const n = (
      await createLake(lake)
        .table('bronze/tushare_daily')
        .read({ columns: ['symbol'] })
    ).length;
    if (n === 0) throw new Error('bronze/tushare_daily is empty after the bench');
  }
  return { s, cpu };
}

/** Wall seconds and this process's CPU seconds (user + system, all threads) of the measured window. */
export interface Timing {
  s: number;
  cpu: number;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
}

const median = (xs: number[]) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length ? (v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2) : NaN;
};

let warmed = false;

const bench = {
  name: 'bus',
  description:
    'raw kafkajs produce+consume vs Argus collect→Kafka→Bronze (without, then with the Delta write); events/s, rows/s, ratio',
  async run(opts: Partial<BenchOptions> & BusBenchOptions = {}): Promise<BusBenchRow[]> {
    // Fairness on a shared 2-core machine: (1) both sides warm (one untimed pass each per process,
    // so neither pays module loading or JIT warm-up); (2) interleaved pairs whose order alternates
    // (peer first, then Argus first), so drift in the machine's load hits both alike; (3) the ratio
    // is the median of the per-pair ratios (a pair runs seconds apart, under the same load), and
    // CPU ms per 1,000 events of this process (and the CPU ratio) beside the noisy wall time.
    const events = opts.events ?? Math.max(200, Math.round(5000 * (opts.scale ?? 1)));
    const repeats = opts.repeats ?? (opts.scale !== undefined ? 2 : 5);
    const rowsPerEvent = opts.rowsPerEvent ?? 20;
    const withDelta = !process.env.BENCH_SKIP_DELTA;
    const bus = createBus({
      type: 'kafka',
      brokers: opts.brokers ?? services().kafka.brokers,
      clientId: 'argus-bench',
    }) as KafkaBus;
    const input = responses(events, rowsPerEvent);
    const rows = input.reduce((n, r) => n + (r.rows as unknown[]).length, 0);
    if (!warmed) {
      const warm = input.slice(0, Math.min(1000, events));
      await rawKafkajs(bus, warm);
      await argus(bus, warm, false);
      if (withDelta) await argus(bus, warm, true);
      warmed = true;
    }
    const cases: (() => Promise<Timing>)[] = [
      () => rawKafkajs(bus, input),
      () => argus(bus, input, false),
      ...(withDelta ? [() => argus(bus, input, true)] : []),
    ];
    const times: Timing[][] = cases.map(() => []);
    for (let i = 0; i < repeats; i++) {
      const order = cases.map((_, k) => k);
      if (((opts.run ?? 0) + i) % 2) order.reverse();
      for (const k of order) times[k].push(await cases[k]());
    }
    const row = (name: string, t: Timing[]): BusBenchRow => {
      const s = median(t.map((x) => x.s));
      return {
        metric: name,
        events,
        rows,
        seconds: Number(s.toFixed(3)),
        events_per_s: Math.round(events / s),
        rows_per_s: Math.round(rows / s),
        ratio: Number(median(t.map((x, i) => times[0][i].s / x.s)).toFixed(2)),
        cpu_ms_per_1k_events: Number(((median(t.map((x) => x.cpu)) * 1e6) / events).toFixed(1)),
        cpu_ratio: Number(median(t.map((x, i) => times[0][i].cpu / x.cpu)).toFixed(2)),
      };
    };
    return [
      row('raw kafkajs produce+consume', times[0]),
      row('argus collect→kafka→bronze (no delta)', times[1]),
      ...(withDelta ? [row('argus collect→kafka→bronze + delta', times[2])] : []),
    ];
  },
} satisfies Bench;
export default bench;

if (process.argv[1]?.endsWith('bus.bench.ts')) {
  const events = Number(process.argv[2] ?? 5000);
  const rows = await bench.run({ events, repeats: Number(process.argv[3] ?? 5) });
  console.table(rows);
  process.exit(0);
}

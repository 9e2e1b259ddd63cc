/**
 * The end-to-end daily job, as one function: (simulator) → `collect` until its sources end →
 * `bronze` until the bus is drained and committed → `gold` for the day through backfill's runner.
 *
 * collect and bronze run in one engine so that they share the bus (the embedded memory bus lives in
 * the engine; with `ARGUS_BUS=kafka` they meet on the broker as separate deployments would). Gold runs
 * afterwards on the committed Bronze tables, one trading day, exactly once per day by Delta txn.
 *
 * @example
 * const r = await runDaily({ sim: { symbols: 300 } });
 * console.log(r.summary.rows, r.stages.map((s) => `${s.stage} ${s.ms} ms`));
 */
import { join, resolve } from 'node:path';
import type { Registry } from '../../../registry/registry.ts';
import type { Bus } from '../../../backends/bus/types.ts';
import { backendsFromEnv } from '../../../backends/from-env.ts';
import { createLogger } from '../../../observability/logger.ts';
import { Engine } from '../../../runtime/engine.ts';
import type { BackendFactory } from '../../../runtime/env.ts';
import { formatError } from '../../../spec/errors.ts';
import { planBackfill, runBackfill } from '../backfill/run.ts';
import { ProgressStore } from '../backfill/progress.ts';
import { lastClosedDay } from '../backfill/trigger.ts';
import { weekdays } from '../backfill/calendar.ts';
import type { SimHandle } from '../../../../sim/index.ts';
import { startDailySim, shanghaiToday, type DailySim, type DailySimOptions } from './sim.ts';
import { summarizeDay, type DaySummary } from './summary.ts';

export interface DailyOptions {
  /** Trading day YYYY-MM-DD (default: the simulator's last open day, else the last closed day). */
  date?: string;
  /** Start the simulator in-process and collect from it. */
  sim?: DailySimOptions | boolean;
  /** Project root: pipelines/, policies/, schemas/ and the default lake (default: cwd). */
  root?: string;
  /**
   * Variables set on process.env for the run and restored afterwards (ARGUS_BUS, ARGUS_LAKE, ...):
   * the backends and the specs' `${env:...}` references read process.env.
   */
  env?: Record<string, string>;
  registry?: Registry;
  /** Backend factories (default: backendsFromEnv(env)). */
  backends?: (env: NodeJS.ProcessEnv) => Record<string, BackendFactory>;
  /** Progress lines (default stderr). */
  log?: (line: string) => void;
  /** Engine log level (default ARGUS_LOG_LEVEL, else warn: the job prints its own progress). */
  logLevel?: string;
  /** Bus drain timeout for Bronze (default 10 min). */
  drainTimeoutMs?: number;
  /** Called once the simulator listens (e.g. to inject faults). */
  onSimulator?: (sim: SimHandle) => void | Promise<void>;
  /** Spec paths, relative to root (or absolute). */
  specs?: { collect?: string[]; gold?: string[] };
}

export interface StageTiming {
  stage: 'simulator' | 'collect' | 'bronze' | 'gold';
  ms: number;
  detail?: string;
}

export interface DailyResult {
  date: string;
  stages: StageTiming[];
  /** Wall time of collect + bronze + gold (the simulator's start excluded). */
  ms: number;
  summary: DaySummary;
  lakeRoot: string;
}

const DEFAULT_COLLECT = [
  'pipelines/collect.yaml',
  'pipelines/bronze.yaml',
  'schemas/events/topics.yaml',
  'schemas/bronze',
  'policies',
];
const DEFAULT_GOLD = ['pipelines/gold.yaml', 'policies', 'schemas'];

/** Runs the daily job; throws an Error naming the stage on failure. */
export async function runDaily(o: DailyOptions = {}): Promise<DailyResult> {
  const env = process.env;
  const root = resolve(o.root ?? process.cwd());
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const registry = o.registry ?? (await (await import('../../../../argus.ts')).argusRegistry());
  const stages: StageTiming[] = [];
  const time = async <T>(
    stage: StageTiming['stage'],
    f: () => Promise<T>,
    detail?: (t: T) => string,
  ): Promise<T> => {
    const t0 = performance.now();
    log(`[${stage}] started`);
    let out: T;
    try {
      out = await f();
    } catch (err) {
      throw new Error(
        `${stage} failed after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const ms = Math.round(performance.now() - t0);
    const d = detail?.(out);
    stages.push({ stage, ms, detail: d });
    log(`[${stage}] done in ${(ms / 1000).toFixed(1)} s${d ? `: ${d}` : ''}`);
    return out;
  };

  let sim: DailySim | undefined;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (k: string, v: string) => {
    if (!(k in saved)) saved[k] = env[k];
    env[k] = v;
  };
  for (const [k, v] of Object.entries(o.env ?? {})) setEnv(k, v);
  const lakeRoot = resolve(root, env.ARGUS_LAKE ?? 'lake');
  try {
    if (o.sim) {
      const so = o.sim === true ? {} : o.sim;
      sim = await time(
        'simulator',
        () => startDailySim(env, so, o.date),
        (s) => `${s.sim.market.instruments.length} instruments, trading day ${s.date}`,
      );
      await o.onSimulator?.(sim.sim);
    }
    const date = o.date ?? sim?.date ?? lastClosedDay(new Date(), { calendar: weekdays });
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date))
      throw new Error(`the trading day must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
    setEnv('TRADE_DATE', date.replaceAll('-', ''));
    setEnv('ARGUS_FROM', date);
    setEnv('ARGUS_TO', date);
    // Timeliness (close → Gold ≤ 60 min) is scored only for today's run; a past day is a backfill.
    setEnv(
      'ARGUS_TIMELINESS',
      env.ARGUS_TIMELINESS ?? (date.replaceAll('-', '') === shanghaiToday() ? 'live' : 'backfill'),
    );
    const backends = () => (o.backends ?? backendsFromEnv)(env);
    const logger = createLogger({ level: o.logLevel ?? env.ARGUS_LOG_LEVEL ?? 'warn' });
    const make = () => Engine.create({ registry, root, lakeRoot, backends: backends(), logger });
    const started = performance.now();

    // collect → bus → bronze, in one engine.
    const ingest = make();
    await load(
      ingest,
      (o.specs?.collect ?? DEFAULT_COLLECT).map((p) => resolve(root, p)),
      'collect/bronze',
    );
    try {
      // Timed from the start: the sources begin collecting as soon as the graphs start.
      await time(
        'collect',
        async () => {
          await ingest.start();
          const g = ingest.graphs.get('collect');
          if (!g) throw new Error('no pipeline named "collect" was loaded');
          await g.done();
          if (ingest.failures.length) throw new Error(String(ingest.failures[0]));
          // HTTP sources do not redeliver: an emission the bus refused is lost for this run.
          const lost = await errored(ingest, 'collect');
          if (lost)
            throw new Error(
              `${lost} source emission(s) could not be published (see the "sink write failed" log lines); rerun the day`,
            );
          return published(ingest);
        },
        (n) => `${n} raw events published`,
      );
      await time(
        'bronze',
        async () => {
          const { topic, group } = bronzeInput(ingest);
          await drained(
            ingest.env.backends.get<Bus>('bus'),
            topic,
            group,
            o.drainTimeoutMs ?? 600_000,
            () => ingest.failures,
          );
          return { topic, group };
        },
        ({ topic, group }) => `group ${group} committed every message of ${topic}`,
      );
    } finally {
      await ingest.stop();
    }
    if (ingest.failures.length) throw new Error(`bronze failed: ${String(ingest.failures[0])}`);

    // gold for the day, through backfill's runner (recorded in the daily trigger's progress file).
    const store = new ProgressStore(join(root, '.argus', 'state', 'backfill', 'daily.json'));
    await time('gold', async () => {
      const plan = planBackfill([date], { has: () => false }, 1);
      await runBackfill(plan, store, async () => {
        const engine = make();
        await load(
          engine,
          (o.specs?.gold ?? DEFAULT_GOLD).map((p) => resolve(root, p)),
          'gold',
        );
        await engine.start();
        await engine.done();
        await engine.stop();
        if (engine.failures.length) throw new Error(String(engine.failures[0]));
        return {};
      });
    });
    const ms = Math.round(performance.now() - started);
    const summary = await summarizeDay(lakeRoot, date);
    if (summary.rows === 0 && summary.quarantined === 0)
      throw new Error(
        `gold committed no rows for ${date} and quarantined none: was ${date} a trading day with data in Bronze?`,
      );
    return { date, stages, ms, summary, lakeRoot };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    await sim?.stop();
  }
}

async function load(engine: Engine, paths: string[], what: string): Promise<void> {
  const errors = await engine.load(paths);
  if (errors.length) throw new Error(`${what} specs are invalid:\n${errors.map(formatError).join('\n')}`);
}

/** The topic and consumer group of the Bronze pipeline's `kafka` source. */
function bronzeInput(engine: Engine): { topic: string; group: string } {
  const doc = engine.env.docs.find((d) => d.kind === 'Pipeline' && d.metadata.name === 'bronze');
  const nodes =
    (doc?.spec as { nodes?: { type: string; inputs?: unknown[]; config?: Record<string, unknown> }[] })
      ?.nodes ?? [];
  const src = nodes.find((n) => n.type === 'kafka' && !n.inputs?.length);
  const topics = src?.config?.topics as string[] | undefined;
  const group = src?.config?.group as string | undefined;
  if (!topics?.length || !group)
    throw new Error('the bronze pipeline has no kafka source with topics and group');
  return { topic: topics[0], group };
}

/** Raw events the collect graph published (records into its kafka sinks), from the engine's metrics. */
async function published(engine: Engine): Promise<number> {
  const m = await engine.env.metrics.registry.getSingleMetric('argus_node_records_in_total')?.get();
  return (m?.values ?? [])
    .filter((v) => v.labels.pipeline === 'collect' && v.labels.node === 'publish')
    .reduce((s, v) => s + v.value, 0);
}

/** Source emissions of `pipeline` settled `errored` (not made durable downstream). */
async function errored(engine: Engine, pipeline: string): Promise<number> {
  const m = await engine.env.metrics.registry.getSingleMetric('argus_source_emissions_total')?.get();
  return (m?.values ?? [])
    .filter((v) => v.labels.pipeline === pipeline && v.labels.outcome === 'errored')
    .reduce((s, v) => s + v.value, 0);
}

/** Waits until `group` committed every message of `topic`, failing fast when the pipeline failed. */
async function drained(
  bus: Bus,
  topic: string,
  group: string,
  ms: number,
  failures: () => unknown[],
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (failures().length) throw new Error(String(failures()[0]));
    const end = await bus.endOffsets(topic);
    const done = await bus.committed(group, topic);
    if ([...end].every(([p, o]) => o === '0' || done.get(p) === o)) return;
    if (Date.now() > deadline)
      throw new Error(
        `group ${group} did not commit ${topic} within ${ms / 1000} s: end ${JSON.stringify([...end])}, committed ${JSON.stringify([...done])}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

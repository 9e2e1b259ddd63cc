/**
 * One chaos run: the real daily job (`runDaily`: simulator → collect → Kafka → Bronze → Gold) on the
 * real broker and Redis, with this run's own topic, consumer group, quota prefix and lake, the
 * health/quota backends observed, and a hook that injects the fault once the simulator listens.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runDaily, type DailyResult } from '../../engine/cli/commands/daily.ts';
import { createLake } from '../../engine/lake/index.ts';
import { DeltaTable } from '../../engine/lake/delta/table.ts';
import type { FaultRule, SimHandle } from '../../sim/index.ts';
import { ROOT } from '../bronze/harness.ts';
import { Observer } from './observe.ts';
import { writeRunSpecs, type RunSpecs, type SpecOptions } from './specs.ts';

const run = promisify(execFile);

export interface ChaosEnv {
  date: string;
  symbols: number;
  seed: number;
  brokers: string[];
  redisUrl: string;
  /** The venv python with `deltalake`. */
  python: string;
  log: (line: string) => void;
  /** Spec options of every run (e.g. the shorter rate-limit wait of the vitest suite). */
  spec?: SpecOptions;
  /** A run that takes longer fails (default 300 s). */
  runTimeoutMs?: number;
}

export interface RunContext {
  env: ChaosEnv;
  sim: SimHandle;
  obs: Observer;
  specs: RunSpecs;
  /** Epoch ms when the simulator started listening (faults set at start are active from here). */
  simAt: number;
}

export interface DailyRun {
  result?: DailyResult;
  error?: Error;
  lake: string;
  obs: Observer;
  specs: RunSpecs;
  wallMs: number;
  simAt: number;
  /** What the fault hook returned (its own timings). */
  hook?: Record<string, number | string | undefined>;
}

export interface RunOptions {
  label: string;
  faults?: FaultRule[];
  spec?: SpecOptions;
  /** Started (not awaited) once the simulator listens; awaited after the job. */
  during?: (c: RunContext) => Promise<Record<string, number | string | undefined>>;
  /** Lake whose Bronze tables are created empty (same schema, configuration) before the run. */
  seedFrom?: string;
}

/**
 * A production lake has every Bronze table from earlier days; a fresh lake has none, and a fault
 * that keeps one source out for the whole day would leave its table missing (gold.yaml's `delta`
 * sources fail on a missing table). So each experiment's lake starts with the clean lake's Bronze
 * tables, empty: the same schema and properties, no rows.
 */
export async function seedEmptyBronze(from: string, to: string): Promise<void> {
  const bronze = join(from, 'bronze');
  if (!existsSync(bronze)) return;
  for (const name of readdirSync(bronze)) {
    const src = createLake(from).table(`bronze/${name}`);
    if (!(await src.exists())) continue;
    const s = await (src as DeltaTable).schema();
    await DeltaTable.create(join(to, 'bronze', name), s.fields, {
      partitionBy: s.partitionColumns,
      properties: s.configuration,
    });
  }
}

export async function dailyRun(env: ChaosEnv, o: RunOptions): Promise<DailyRun> {
  const specs = writeRunSpecs(o.label, { ...env.spec, ...o.spec });
  const lake = mkdtempSync(join(tmpdir(), `argus-chaos-lake-${o.label}-`));
  if (o.seedFrom) await seedEmptyBronze(o.seedFrom, lake);
  const obs = new Observer();
  let hook: Promise<Record<string, number | string | undefined>> | undefined;
  let simAt = 0;
  const t0 = performance.now();
  let result: DailyResult | undefined;
  let error: Error | undefined;
  try {
    // A job that hangs (e.g. a producer waiting for a broker that never returns) is a failed
    // experiment, reported as such, not a suite that never ends.
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the daily job did not finish within ${env.runTimeoutMs ?? 300_000} ms`)),
        env.runTimeoutMs ?? 300_000,
      );
    });
    result = await Promise.race([
      limit,
      runDaily({
        date: env.date,
        sim: { symbols: env.symbols, seed: env.seed, faults: o.faults },
        root: ROOT,
        env: {
          ARGUS_BUS: 'kafka',
          ARGUS_KAFKA_BROKERS: env.brokers.join(','),
          ARGUS_LAKE: lake,
          ARGUS_REDIS_URL: env.redisUrl,
        },
        specs: { collect: specs.collect },
        backends: obs.backends(env.redisUrl),
        log: (l) => env.log(`  [${o.label}] ${l}`),
        drainTimeoutMs: 120_000,
        onSimulator: (sim) => {
          simAt = Date.now();
          // A fault hook that throws is reported as the run's error, not as an unhandled rejection.
          hook = o
            .during?.({ env, sim, obs, specs, simAt })
            .catch((err: Error) => ({ hookError: err.message }));
        },
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (err) {
    error = err as Error;
  }
  const wallMs = Math.round(performance.now() - t0);
  return { result, error, lake, obs, specs, wallMs, simAt, hook: hook ? await hook : undefined };
}

export interface GoldDiff {
  clean_rows: number;
  faulted_rows: number;
  lost: number;
  lost_sample: string[];
  extra: number;
  duplicated: number;
  value_diff: Record<string, number>;
  lineage_diff: Record<string, number>;
  /** Differences within the other source's precision (volume < 1 lot). */
  precision_diff: Record<string, number>;
  /** Rows served by the other source (lineage differs) whose number is that source's, within tolerance. */
  source_diff: Record<string, number>;
  /** Rows served by the other source that the clean run had flagged (quality < 100) as disagreeing. */
  flagged_diff: Record<string, number>;
  equal: boolean;
  values_equal: boolean;
}

/** Compares the day's Gold of two lakes with delta-rs (test/chaos/compare_gold.py). */
export async function compareGold(
  python: string,
  cleanLake: string,
  lake: string,
  date: string,
): Promise<GoldDiff> {
  const script = join(ROOT, 'test/chaos/compare_gold.py');
  const table = (l: string) => join(l, 'gold/a_share_daily');
  try {
    const { stdout } = await run(python, [script, table(cleanLake), table(lake), date], {
      maxBuffer: 16 << 20,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as GoldDiff;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(
      `delta-rs comparison of ${table(lake)} with ${table(cleanLake)} failed: ${e.stderr?.trim().split('\n').at(-1) ?? e.message}`,
    );
  }
}

/** Waits until `cond()` holds (polling every `ms`), or throws after `timeoutMs`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
  ms = 10,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, ms));
  }
  return Date.now();
}

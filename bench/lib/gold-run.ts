/**
 * Helpers for the `backfill` and `daily` benches: write a {@link bronzeMarket} into Bronze Delta
 * tables (untimed), and run `pipelines/gold.yaml` over a date range in the real engine in a child
 * process, so that its peak RSS and CPU time are the engine's alone (not the generator's).
 *
 *   node --import tsx bench/lib/gold-run.ts <root> <from> <to>  → one JSON line
 *
 * @example
 * await writeBronze(root, bronzeMarket({ symbols: 5400, days: 20 }));
 * const r = await runGoldChild(root, '2021-01-04', '2021-02-01');
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { parse } from 'yaml';
import type { Rec } from '../../engine/api/index.ts';
import { createLake } from '../../engine/lake/index.ts';
import type { BronzeDay, BronzeTable } from './market.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = fileURLToPath(import.meta.url);

const BRONZE_TABLES: BronzeTable[] = [
  'qmt_hist_kline',
  'tushare_daily',
  'tushare_adj_factor',
  'tushare_daily_basic',
];

/**
 * Appends each day of the market to the four Bronze tables under `<root>/lake` (one commit per table
 * and day). Days may be generated lazily (multi-year markets do not fit in memory); `onDay` reports
 * progress.
 */
export async function writeBronze(
  root: string,
  days: Iterable<BronzeDay>,
  onDay?: (day: BronzeDay) => void,
): Promise<void> {
  const lake = createLake(join(root, 'lake'));
  let seq = 0;
  // Every Bronze table the Gold pipeline reads must exist (empty is fine: no dividends, no ratings).
  for (const f of readdirSync(join(repo, 'schemas/bronze')).filter((x) => x.endsWith('.yaml')))
    await lake.ensure(parse(readFileSync(join(repo, 'schemas/bronze', f), 'utf8')));
  const tables = await Promise.all(
    BRONZE_TABLES.map(async (name) => {
      const doc = parse(readFileSync(join(repo, 'schemas/bronze', `${name}.yaml`), 'utf8'));
      return {
        name,
        cols: (doc.spec.columns as { name: string }[]).map((c) => c.name),
        table: await lake.ensure(doc),
      };
    }),
  );
  for (const d of days) {
    for (const { name, cols, table } of tables) {
      const rows = d.tables[name].map((r): Rec => Object.fromEntries(cols.map((c) => [c, r[c] ?? null])));
      // Bronze stores fetched_at as a timestamp and the id of the Kafka event the row came from.
      for (const r of rows) {
        if (typeof r.fetched_at === 'string') r.fetched_at = new Date(r.fetched_at as string);
        r.event_id ??= `01J${String(seq++).padStart(23, '0')}`; // ULID-shaped, unique per row
      }
      await table.append(rows);
    }
    onDay?.(d);
  }
}

export interface GoldRunResult {
  gold_rows: number;
  seconds: number;
  cpu_s: number;
  peak_rss_mib: number;
  failures: number;
  /** The first failure, when any (the bench refuses to report a failed run). */
  failure?: string;
}

/** The Node flags `argus` runs with (the shebang of bin/argus.mjs): child processes measure Argus as it runs. */
export const ARGUS_NODE_FLAGS = ['--max-semi-space-size=64'];

/** Runs the Gold pipeline over [from, to] in a child process (`nodeArgs`, e.g. a heap limit, go to node). */
export async function runGoldChild(
  root: string,
  from: string,
  to: string,
  nodeArgs: string[] = [],
): Promise<GoldRunResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...ARGUS_NODE_FLAGS, ...nodeArgs, '--import', 'tsx', here, root, from, to],
    {
      cwd: repo,
      maxBuffer: 1 << 20,
      env: { ...process.env, ARGUS_FROM: from, ARGUS_TO: to },
    },
  );
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as GoldRunResult;
}

async function child(root: string): Promise<void> {
  const { argusRegistry } = await import('../../argus.ts');
  const { Engine } = await import('../../engine/runtime/engine.ts');
  const { backendsFromEnv } = await import('../../engine/backends/from-env.ts');
  const lake = createLake(join(root, 'lake'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const engine = Engine.create({
    registry: await argusRegistry(),
    root,
    lakeRoot: join(root, 'lake'),
    // The embedded backends `argus run` uses (memory bus, log alerts, env secrets), this lake.
    backends: { ...backendsFromEnv({}), lake: () => lake },
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
  // BENCH_GOLD_YAML: try a variant of the pipeline (e.g. another max_in_flight) without editing it.
  const pipeline = process.env.BENCH_GOLD_YAML ?? join(repo, 'pipelines/gold.yaml');
  const errors = await engine.load([pipeline, join(repo, 'policies'), join(repo, 'schemas')]);
  if (errors.length) throw new Error(`gold.yaml did not load: ${JSON.stringify(errors).slice(0, 2000)}`);
  await engine.start();
  await engine.done();
  await engine.stop();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const gold = await lake.table('gold/a_share_daily').read({
    columns: ['symbol'],
    partitions: { trade_date: { gte: process.env.ARGUS_FROM!, lte: process.env.ARGUS_TO! } },
  });
  const out: GoldRunResult = {
    gold_rows: gold.length,
    seconds,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    failures: engine.failures.length,
    failure: engine.failures.length
      ? String((engine.failures[0] as Error)?.stack ?? engine.failures[0]).slice(0, 800)
      : undefined,
  };
  console.log(JSON.stringify(out));
}

if (process.argv[1] === here) {
  child(process.argv[2]).then(
    () => process.exit(0),
    (e) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    },
  );
}

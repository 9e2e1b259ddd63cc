/**
 * `argus backfill --from YYYY-MM-DD --to YYYY-MM-DD`: runs the Gold pipeline over past trading days in
 * chunks with a progress bar (days, rows/s, ETA), resumable after a crash (finished days are recorded
 * after each chunk; Gold commits are idempotent per day by Delta txn). `argus backfill --daily` is the
 * daily trigger: it waits for the next trading day's close (15:30 Asia/Shanghai by default, trading
 * calendar aware) and runs that day, forever.
 *
 * The pipeline receives its date range through `${env:ARGUS_FROM}` / `${env:ARGUS_TO}` (resolved by the
 * engine before operators are created), so the same `pipelines/gold.yaml` serves backfills and days.
 *
 * @example
 * argus backfill --from 2020-01-02 --to 2024-12-31 --chunk-days 240
 * argus backfill --daily --at 15:30
 */
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { createLake } from '../../lake/index.ts';
import { Engine } from '../../runtime/engine.ts';
import { formatError } from '../../spec/errors.ts';
import type { CliSetup } from '../program.ts';
import { calendarFromRows, tradingDays, weekdays, type Calendar } from './backfill/calendar.ts';
import { ProgressStore } from './backfill/progress.ts';
import { planBackfill, runBackfill, type ChunkResult } from './backfill/run.ts';
import { lastClosedDay, nextTrigger } from './backfill/trigger.ts';

export { dateRange, tradingDays, calendarFromRows, weekdays } from './backfill/calendar.ts';
export { nextTrigger, lastClosedDay } from './backfill/trigger.ts';
export { planBackfill, runBackfill } from './backfill/run.ts';
export { ProgressStore } from './backfill/progress.ts';

interface BackfillOpts {
  from?: string;
  to?: string;
  daily?: boolean;
  at: string;
  tz: string;
  pipeline: string[];
  chunkDays: string;
  calendarTable: string;
  exchange: string;
  lake: string;
  root?: string;
  state?: string;
  restart?: boolean;
  dryRun?: boolean;
}

/** Trading calendar from the Bronze trade_cal table when it exists, else Monday–Friday. */
async function loadCalendar(lakeRoot: string, table: string, exchange: string): Promise<Calendar> {
  try {
    const t = createLake(lakeRoot).table(table);
    if (!(await t.exists())) return weekdays;
    const rows = (await t.read()).filter((r) => !r.exchange || r.exchange === exchange);
    return rows.length ? calendarFromRows(rows) : weekdays;
  } catch {
    return weekdays;
  }
}

/** The rows fused so far (the fuse operator's counter), 0 when the pipelines have no fuse node. */
async function fusedRows(engine: Engine): Promise<number> {
  const metric = await engine.env.metrics.registry.getSingleMetric('argus_fuse_rows_total')?.get();
  return metric?.values.reduce((s, v) => s + v.value, 0) ?? 0;
}

/**
 * Runs the pipelines once over [from, to]; returns the fused row count from the engine's metrics,
 * reporting it every second on the way (`onRows`) so a long chunk shows progress.
 */
async function runPipelines(
  setup: CliSetup,
  paths: string[],
  from: string,
  to: string,
  root?: string,
  onRows?: (rows: number) => void,
): Promise<ChunkResult> {
  process.env.ARGUS_FROM = from;
  process.env.ARGUS_TO = to;
  const engine = Engine.create({
    registry: setup.registry,
    backends: setup.backends(),
    secrets: setup.secrets?.(),
    root,
  });
  const errors = await engine.load(paths);
  if (errors.length) throw new Error(`pipeline specs are invalid:\n${errors.map(formatError).join('\n')}`);
  await engine.start();
  const tick = onRows && setInterval(() => void fusedRows(engine).then(onRows), 1000);
  try {
    await engine.done();
  } finally {
    clearInterval(tick);
  }
  await engine.stop();
  if (engine.failures.length)
    throw new Error(`pipeline failed for ${from}…${to}: ${String(engine.failures[0])}`);
  return { rows: await fusedRows(engine) };
}

export function registerBackfillCommand(program: Command, setup?: CliSetup): void {
  program
    .command('backfill')
    .description(
      'Run the Gold pipeline over past trading days (resumable, with progress), or daily after the close with --daily',
    )
    .option('--from <date>', 'first day YYYY-MM-DD')
    .option('--to <date>', 'last day YYYY-MM-DD (default: --from)')
    .option('--daily', 'run each trading day after the close, until stopped')
    .option('--at <HH:MM>', 'local time of the daily trigger', '15:30')
    .option('--tz <zone>', 'time zone of the exchange', 'Asia/Shanghai')
    .option('--pipeline <paths...>', 'pipeline and spec paths to run', [
      'pipelines/gold.yaml',
      'policies',
      'schemas',
    ])
    // A chunk loads the specs and the imputation history once, and the Bronze sources stream day
    // by day (memory does not grow with the chunk), so long chunks are faster; the chunk is also
    // the unit of resumption after a crash.
    .option('--chunk-days <n>', 'trading days per pipeline run (about a year by default)', '240')
    .option('--calendar-table <name>', 'lake table with the exchange calendar', 'bronze/tushare_trade_cal')
    .option('--exchange <code>', 'exchange of the calendar rows', 'SSE')
    .option('--lake <dir>', 'lake root (for the trading calendar)', 'lake')
    .option('--root <dir>', 'project root of the pipeline run (default: the current directory)')
    .option('--state <file>', 'progress file (default .argus/state/backfill/<from>_<to>.json)')
    .option('--restart', 'ignore recorded progress and run every day again')
    .option('--dry-run', 'print the plan only')
    .action(async (o: BackfillOpts) => {
      if (!setup && !o.dryRun)
        throw new Error(
          'argus backfill needs the engine setup: register it with registerBackfillCommand(program, setup)',
        );
      const calendar = await loadCalendar(o.lake, o.calendarTable, o.exchange);
      // Live rows and rate inside a chunk (the bar's days advance when a chunk is finished).
      const progress: { onRows?: (rows: number) => void } = {};
      const run = (days: readonly string[]) =>
        runPipelines(setup!, o.pipeline, days[0], days.at(-1)!, o.root, (rows) => progress.onRows?.(rows));
      if (o.daily) return daily(o, calendar, run);
      if (!o.from) throw new Error('give --from YYYY-MM-DD (and --to), or --daily');
      const to = o.to ?? o.from;
      const days = tradingDays(o.from, to, calendar);
      const store = new ProgressStore(o.state ?? join('.argus', 'state', 'backfill', `${o.from}_${to}.json`));
      const plan = planBackfill(days, o.restart ? { has: () => false } : store, Number(o.chunkDays));
      console.error(
        `backfill ${o.from} … ${to}: ${days.length} trading days by ${calendar.source}; ${days.length - plan.pending.length} already finished, ${plan.pending.length} to run in ${plan.chunks.length} chunk(s)`,
      );
      if (o.dryRun || plan.pending.length === 0) return;
      const bar = new SingleBar(
        {
          format:
            '{bar} {percentage}% | {value}/{total} days | {rows} rows, {rate} rows/s | ETA {eta_formatted} | {day}',
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(plan.pending.length, 0, { rows: 0, rate: 0, day: plan.pending[0] });
      const started = Date.now();
      let finishedRows = 0;
      progress.onRows = (rows) => {
        const all = finishedRows + rows;
        bar.update({ rows: all, rate: Math.round(all / Math.max((Date.now() - started) / 1000, 0.001)) });
      };
      try {
        const totals = await runBackfill(plan, store, run, {
          onChunkDone(chunk, _r, t) {
            finishedRows = t.rows;
            bar.increment(chunk.length, {
              rows: t.rows,
              rate: Math.round(t.rows / Math.max(t.ms / 1000, 0.001)),
              day: chunk.at(-1),
            });
          },
        });
        bar.stop();
        console.error(
          `done: ${totals.days} days, ${totals.rows} rows in ${(totals.ms / 1000).toFixed(1)} s (${Math.round(totals.rows / Math.max(totals.ms / 1000, 0.001))} rows/s), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
        );
      } catch (err) {
        bar.stop();
        console.error(
          `backfill stopped: ${(err as Error).message}\nrerun the same command to resume (progress: ${store.file})`,
        );
        process.exitCode = 1;
      }
    });
}

async function daily(
  o: BackfillOpts,
  calendar: Calendar,
  run: (days: readonly string[]) => Promise<ChunkResult>,
): Promise<void> {
  const opts = { at: o.at, timeZone: o.tz, calendar };
  const store = new ProgressStore(o.state ?? join('.argus', 'state', 'backfill', 'daily.json'));
  let stop = false;
  const wake = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      stop = true;
      wake.abort();
    });
  // Catch up on the last closed day first (e.g. started at 16:00 or after downtime).
  const last = lastClosedDay(new Date(), opts);
  if (last && !store.has(last)) await runDay(last);
  while (!stop) {
    const next = nextTrigger(new Date(), opts);
    console.error(`next run: ${next.day} at ${next.at.toISOString()}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, next.at.getTime() - Date.now()));
      wake.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
    if (!stop) await runDay(next.day);
  }

  async function runDay(day: string): Promise<void> {
    try {
      const r = await run([day]);
      store.markFinished([day]);
      console.error(`${day}: ${r.rows ?? 0} rows committed`);
    } catch (err) {
      console.error(
        `${day} failed: ${(err as Error).message} (it runs again at the next trigger or with argus backfill --from ${day})`,
      );
    }
  }
}

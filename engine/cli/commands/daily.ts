/**
 * `argus daily [--date YYYY-MM-DD] [--sim [--symbols N]]`: the whole trading day in one job —
 * collect (QMT agent + Tushare) → raw_data_topic → Bronze → Gold (+ quality tables), with progress
 * per stage and a summary of what was committed. Embedded defaults (memory bus, ./lake) or the
 * environment's backends (`ARGUS_BUS=kafka`, `ARGUS_SECRETS=vault`, ...). Exit 1 with the failing
 * stage named on failure. `npm start` is `argus daily --sim --symbols 300`.
 *
 * @example
 * argus daily --sim --symbols 300          # simulator in-process, throw-away credentials
 * ARGUS_BUS=kafka ARGUS_KAFKA_BROKERS=127.0.0.1:9092 argus daily --date 2024-06-14
 */
import type { Command } from 'commander';
import type { CliSetup } from '../program.ts';
import { runDaily } from './daily/run.ts';
import { formatSummary } from './daily/summary.ts';

export { runDaily, type DailyOptions, type DailyResult, type StageTiming } from './daily/run.ts';
export { summarizeDay, formatSummary, type DaySummary } from './daily/summary.ts';
export { startDailySim, type DailySimOptions } from './daily/sim.ts';

interface DailyCliOpts {
  date?: string;
  sim?: boolean;
  symbols: string;
  seed: string;
  root?: string;
  json?: boolean;
}

export function registerDailyCommand(program: Command, setup?: CliSetup): void {
  program
    .command('daily')
    .description('Run one trading day end to end: collect → bus → Bronze → Gold, with a summary')
    .option(
      '--date <date>',
      "trading day YYYY-MM-DD (default: the last closed trading day; with --sim the simulated market's last day)",
    )
    .option('--sim', 'start the market simulator in-process (throw-away credentials) and collect from it')
    .option('--symbols <n>', 'instruments in the simulated market', '300')
    .option('--seed <n>', 'simulator seed', '1')
    .option(
      '--root <dir>',
      'project root with pipelines/, policies/, schemas/ (default: the current directory)',
    )
    .option('--json', 'print the result as JSON on stdout')
    .action(async (o: DailyCliOpts) => {
      const symbols = Number(o.symbols);
      if (!Number.isInteger(symbols) || symbols < 1)
        throw new Error(`--symbols must be a positive integer, got ${o.symbols}`);
      if (o.date && !/^\d{4}-\d{2}-\d{2}$/.test(o.date))
        throw new Error(`--date must be YYYY-MM-DD, got ${o.date}`);
      try {
        const r = await runDaily({
          date: o.date,
          sim: o.sim ? { symbols, seed: Number(o.seed) } : undefined,
          root: o.root,
          registry: setup?.registry,
        });
        const stages = r.stages.map((s) => `${s.stage} ${(s.ms / 1000).toFixed(1)} s`).join(', ');
        if (o.json) console.log(JSON.stringify(r, null, 2));
        else {
          console.log(formatSummary(r.summary));
          console.log(`time: ${(r.ms / 1000).toFixed(1)} s for collect → Bronze → Gold (${stages})`);
        }
      } catch (err) {
        console.error(`argus daily: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    });
}

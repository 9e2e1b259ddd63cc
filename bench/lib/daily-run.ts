/**
 * Child process of the `daily` bench: one `runDaily` (engine/cli/commands/daily) — simulator →
 * collect → bus → Bronze → Gold — with a fresh lake, printing one JSON line with the job's wall time
 * (simulator start excluded, as runDaily reports it), per-stage times, the process's CPU time and
 * peak RSS, and the day's summary. Run in its own process so RSS and CPU are the job's alone.
 *
 *   node --import tsx bench/lib/daily-run.ts <lake> <symbols> [brokers]   (no brokers: memory bus)
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ARGUS_NODE_FLAGS } from './gold-run.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = fileURLToPath(import.meta.url);

export interface DailyRunResult {
  seconds: number;
  stages: Record<string, number>;
  cpu_s: number;
  peak_rss_mib: number;
  gold_rows: number;
  quarantined: number;
  score: number | null;
  date: string;
}

/** Runs the daily job in a child process. */
export async function runDailyChild(
  lake: string,
  symbols: number,
  brokers?: string[],
): Promise<DailyRunResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...ARGUS_NODE_FLAGS,
      '--import',
      'tsx',
      here,
      lake,
      String(symbols),
      ...(brokers ? [brokers.join(',')] : []),
    ],
    { cwd: repo, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as DailyRunResult;
}

async function child(lake: string, symbols: number, brokers?: string): Promise<void> {
  const { runDaily } = await import('../../engine/cli/commands/daily.ts');
  const env: Record<string, string> = { ARGUS_LAKE: lake, ARGUS_BUS: brokers ? 'kafka' : 'memory' };
  let specs: { collect: string[] } | undefined;
  if (brokers) {
    // Fresh topics and group per run (a run must not see the previous run's events).
    const { collectFile, specFiles } = await import('../../test/bronze/harness.ts');
    env.ARGUS_KAFKA_BROKERS = brokers;
    const id = randomBytes(4).toString('hex');
    const names = { topic: `bench-raw-${id}`, dlq: `bench-dlq-${id}`, group: `bench-bronze-${id}` };
    const files = specFiles(names);
    specs = { collect: [collectFile(names, files), ...files, 'policies'] };
  }
  const cpu0 = process.cpuUsage();
  const r = await runDaily({ sim: { symbols, seed: 1 }, root: repo, env, specs, log: () => {} });
  const cpu = process.cpuUsage(cpu0);
  const out: DailyRunResult = {
    seconds: r.ms / 1000,
    stages: Object.fromEntries(r.stages.map((s) => [s.stage, s.ms / 1000])),
    cpu_s: (cpu.user + cpu.system) / 1e6,
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    gold_rows: r.summary.rows,
    quarantined: r.summary.quarantined,
    score: r.summary.score,
    date: r.date,
  };
  console.log(JSON.stringify(out));
}

if (process.argv[1] === here) {
  child(process.argv[2], Number(process.argv[3]), process.argv[4]).then(
    () => process.exit(0),
    (e) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    },
  );
}

/**
 * A real, unscaled multi-year full-market backfill, end to end through the CLI users run:
 *
 *   npx tsx bench/backfill-full.ts [--years 5] [--symbols 5400] [--dir .argus/backfill-full] [--keep] [--bronze-only]
 *
 * 1. writes the Bronze tables of `years` × 242 trading days × `symbols` (bench/lib/market.ts, generated
 *    a day at a time from the real recorded bars; untimed, with a progress bar);
 * 2. runs `argus backfill --from … --to …` (pipelines/gold.yaml in year-long chunks, the default) in a child process
 *    and reports Gold rows, wall time, rows/s, CPU time and the child's peak RSS (VmHWM, polled);
 * 3. checks the Gold table holds every (symbol, day) and saves `bench/results/backfill-full.json`.
 *
 * The real recorded bars cover 1,212 trading days, so up to 5 years run on real dates and prices.
 * This takes minutes, not seconds; it is not part of `npm run bench` (the `backfill` bench runs the
 * same pipeline on scaled-down ranges).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { createLake } from '../engine/lake/index.ts';
import { ARGUS_NODE_FLAGS, writeBronze } from './lib/gold-run.ts';
import { availableDays, bronzeDays } from './lib/market.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const DAYS_PER_YEAR = 242;

const o = new Command()
  .option('--years <n>', 'years of trading days', '5')
  .option('--symbols <n>', 'symbols in the market', '5400')
  .option('--dir <dir>', 'work directory (lake, state)', join(repo, '.argus', 'backfill-full'))
  .option('--keep', 'keep an existing Bronze lake of the same size instead of rewriting it')
  .option('--bronze-only', 'write the Bronze lake and stop (then run again with --keep)')
  .parse(process.argv)
  .opts<{ years: string; symbols: string; dir: string; keep?: boolean; bronzeOnly?: boolean }>();

const symbols = Number(o.symbols);
const days = Math.round(Number(o.years) * DAYS_PER_YEAR);
if (days > availableDays(0))
  throw new Error(`backfill-full: ${days} days asked, the real bars cover ${availableDays(0)} (≈ 5 years)`);
const dir = resolve(o.dir);
const marker = join(dir, 'bronze.json');
const market = { symbols, days, start: 0 };

if (!(o.keep && existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(market))) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bar = new SingleBar({ format: 'Bronze {bar} {value}/{total} days | {day}' }, Presets.shades_classic);
  bar.start(days, 0, { day: '' });
  const t0 = performance.now();
  await writeBronze(dir, bronzeDays(market), (d) => bar.increment(1, { day: d.trade_date }));
  bar.stop();
  writeFileSync(marker, JSON.stringify(market));
  console.error(`Bronze written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
if (o.bronzeOnly) process.exit(0);
rmSync(join(dir, 'lake', 'gold'), { recursive: true, force: true });
rmSync(join(dir, 'lake', 'quality'), { recursive: true, force: true });
rmSync(join(dir, '.argus'), { recursive: true, force: true });

const dates = [...bronzeDays({ ...market, symbols: 1 })].map((d) => d.trade_date);
const [from, to] = [dates[0], dates.at(-1)!];
const args = [
  ...ARGUS_NODE_FLAGS,
  join(repo, 'bin', 'argus.mjs'),
  'backfill',
  ...['--from', from, '--to', to, '--root', dir, '--lake', join(dir, 'lake')],
  ...['--state', join(dir, 'state.json'), '--restart'],
  ...['--pipeline', join(repo, 'pipelines/gold.yaml'), join(repo, 'policies'), join(repo, 'schemas')],
];
const t0 = performance.now();
const child = spawn(process.execPath, args, {
  cwd: repo,
  stdio: ['ignore', 'inherit', 'pipe'],
  env: {
    ...process.env,
    ARGUS_TIMELINESS: 'backfill',
    ARGUS_LOG_LEVEL: process.env.ARGUS_LOG_LEVEL ?? 'error',
  },
});
let stderr = '';
child.stderr.on('data', (b: Buffer) => {
  stderr += b;
  process.stderr.write(b);
});
let peakKiB = 0;
const poll = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
  } catch {
    /* the child exited between two polls */
  }
}, 200);
const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
clearInterval(poll);
const seconds = (performance.now() - t0) / 1000;
if (code !== 0) throw new Error(`argus backfill exited with ${code}`);
const done = /done: (\d+) days, (\d+) rows in ([\d.]+) s .*peak RSS (\d+) MiB/.exec(stderr);
if (!done) throw new Error('argus backfill printed no summary line');
// Every (symbol, day) is published in Gold or held in quarantine (a day below the consistency target).
const lake = createLake(join(dir, 'lake'));
const gold = await lake.table('gold/a_share_daily').read({ columns: ['symbol'] });
const quarantined = (await lake.table('quality/quarantine').read({ columns: ['symbol'] })).length;
if (gold.length + quarantined !== symbols * days)
  throw new Error(
    `Gold holds ${gold.length} rows and quarantine ${quarantined}, expected ${symbols} × ${days} = ${symbols * days}`,
  );
const result = {
  name: 'backfill-full',
  description:
    'unscaled full-market backfill through `argus backfill` (pipelines/gold.yaml, default year-long chunks)',
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  years: Number(o.years),
  from,
  to,
  symbols,
  trading_days: days,
  gold_rows: gold.length,
  quarantined_rows: quarantined,
  wall_s: Math.round(seconds * 10) / 10,
  rows_per_s: Math.round((gold.length + quarantined) / seconds),
  backfill_reported_rows_per_s: Math.round(Number(done[2]) / Number(done[3])),
  peak_rss_mib: Math.round(Math.max(peakKiB / 1024, Number(done[4]))),
  goal: '≥ 100000 rows/s, ≤ 1536 MiB',
};
writeFileSync(join(repo, 'bench', 'results', 'backfill-full.json'), JSON.stringify(result, null, 2) + '\n');
console.log(result);

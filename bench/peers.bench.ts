/**
 * `npm run bench -- peers [--runs 5] [--scale 1]`: Argus's Gold logic (the real operators fuse →
 * consistency_gate → adjust → quality_score through the runtime's nodeOperator, in memory) vs the
 * same logic as vectorised pandas and as one DuckDB SQL query (bench/py/peers.py), on the same
 * Bronze rows (bench/lib/market.ts: 5,400 symbols × 60 trading days at scale 1 = 324,000 Gold rows,
 * both sources, seeded defects). Rows/s of Gold rows (published + quarantined) and ratios
 * Argus ÷ peer measured in the same run, by wall time (`argus/peer`) and by CPU time
 * (`argus/peer cpu`: rows per CPU-second, every thread of each process counted, so DuckDB's two
 * threads and V8's GC helpers count). Reported values are medians over the runs; the ratio columns
 * are the median of the per-run ratios (each run measures Argus and its peers back to back).
 * Goals: ≥ 1.0× pandas, ≥ 0.3× DuckDB. Loading the data is untimed for every side.
 * The three sides must agree on the published/quarantined row counts or the run fails.
 *
 * Measurement (changed for issue #10): a run used to time 10 days (0.17 s per side), so scheduler
 * noise on the shared 2-core machine swung single ratios from 0.8× to 1.25×; now each side times
 * 60 days (≥ 1 s per side) and every side gets the same untimed warm-up run before its timed run
 * in the same process (Argus once in setup and it stays warm; pandas and DuckDB once per Python
 * process, which used to time their cold first run). CPU time is reported next to wall time since
 * it does not count the time a side waited for a core. The Bronze is generated day by day so that
 * only the column tables stay in memory (the records of 60 days would be ~1 GB).
 *
 * Where Argus's time goes: every operator of the chain works on column batches (see engine/api
 * batch.ts), so no record is built. Warm profiles (20 days × 5 runs, main-thread samples, old and
 * new code alternately, output identical) before → after issue #10: total −34 %; fuse 43 → 49 %,
 * adjust 18 → 17 %, GC 16 → 13 %, quality_score 11 → 11 %, consistency_gate 10 → 9 % of it. What changed:
 * - loops V8 compiled during their first long run (on-stack replacement) before the code after the
 *   loop had run went back to the interpreter on every later call (~800 deopts per 10 days in
 *   fuse's column gathering and key numbering, more in the gate and the score): each hot loop now
 *   sits alone in a function with nothing after it;
 * - boxing: a conditional joining an unboxed double with a call's result made V8 allocate a heap
 *   number per fused value and per adjusted price; lineage columns of fields won by the same
 *   sources are one shared array; on-heap allocation 55 → 32 MB per 54k rows;
 * - lookups: adjust checks a day's symbol order and finds each symbol's factor memory by position
 *   against the last day (one string comparison, no Map), the gate counts boards by index.
 * The rest is mostly reading Bronze columns (this bench's are boxed plain arrays; the delta source
 * emits Float64Array for null-free numeric columns) and the young-generation GC copying the days
 * in flight (up to ~10 here; gold.yaml's max_in_flight of 32 Bronze batches allows ~8). The first
 * run of a process is ~3× slower (V8 compiling the loops), hence the untimed warm-up run in setup.
 * Before the column batches the chain did ~8,000 rows/s (every operator copied each record).
 * Reproduce: `node --cpu-prof --import tsx` on a script calling `goldChain().run(bronzeColumns(bronzeMarket(...)))`.
 */
import type { ColumnTable } from 'arquero';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bronzeColumns, goldChain } from './lib/gold-chain.ts';
import { bronzeDays, toCsv, type BronzeTable } from './lib/market.ts';
import { defineBench, type BenchRow } from './types.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const SYMBOLS = 5400;
/** Trading days at scale 1: enough for each side to run ≥ 1 s (see the measurement note above). */
const DAYS = 60;
const TABLES: BronzeTable[] = [
  'qmt_hist_kline',
  'tushare_daily',
  'tushare_adj_factor',
  'tushare_daily_basic',
];

export function python(): string {
  const home = process.env.ARGUS_HOME ? resolve(process.env.ARGUS_HOME) : join(here, '..', '.argus');
  const p = process.env.ARGUS_PYTHON ?? join(home, 'venv', 'bin', 'python');
  if (!existsSync(p))
    throw new Error(`peers bench: Python venv not found at ${p}; run \`npm run services -- install venv\``);
  return p;
}

interface PeerResult {
  rows: number;
  published: number;
  quarantined: number;
  duckdb_published: number;
  pandas_s: number[];
  pandas_cpu_s: number[];
  duckdb_s: number[];
  duckdb_cpu_s: number[];
}

let bronze: ColumnTable[] = [];

export default defineBench({
  name: 'peers',
  description:
    'Gold logic (fuse + consistency + hfq + score): Argus operators vs vectorised pandas vs one DuckDB query; Gold rows/s',
  async setup({ scale, workDir, log }) {
    const days = Math.max(1, Math.round(DAYS * scale));
    let rows = 0;
    bronze = [];
    // Day by day: the CSVs for the peers and the column tables for Argus; the records are dropped.
    let d = 0;
    for (const day of bronzeDays({ symbols: SYMBOLS, days })) {
      for (const t of TABLES)
        if (day.tables[t].length) appendFileSync(join(workDir, `${t}.csv`), toCsv([day], t, d === 0));
      bronze.push(...bronzeColumns([day]));
      rows += Object.values(day.tables).reduce((m, r) => m + r.length, 0);
      d++;
    }
    // One untimed run first, as a long-running engine is warm after its first days: the timed runs
    // measure the logic, not V8 compiling it (the first run of a process is ~3× slower). The peers
    // get the same: one untimed run in their process before the timed one.
    await (await goldChain()).run(bronze);
    log(`Bronze: ${SYMBOLS} symbols × ${days} days, ${rows} rows`);
  },
  async run({ workDir, log }) {
    const chain = await goldChain();
    const argus = await chain.run(bronze);
    const { stdout } = await run(python(), [join(here, 'py', 'peers.py'), workDir, '1', '1'], {
      maxBuffer: 1 << 20,
    });
    const peer = JSON.parse(stdout) as PeerResult;
    const gold = argus.published + argus.quarantined;
    const s = (x: number) => x.toFixed(2);
    log(
      `argus ${gold} rows (${argus.quarantined} quarantined, ${argus.errors} errors) in ${s(argus.seconds)} s (cpu ${s(argus.cpu_seconds)} s); ` +
        `pandas ${s(peer.pandas_s[0])} s (cpu ${s(peer.pandas_cpu_s[0])} s); duckdb ${s(peer.duckdb_s[0])} s (cpu ${s(peer.duckdb_cpu_s[0])} s)`,
    );
    // The three must agree on what they produced, or the comparison means nothing.
    if (peer.rows !== gold || peer.published !== argus.published || peer.duckdb_published !== argus.published)
      throw new Error(
        `peers disagree: argus ${argus.published}/${gold} published, pandas ${peer.published}/${peer.rows}, duckdb ${peer.duckdb_published}`,
      );
    const row = (metric: string, seconds: number, cpu: number): BenchRow => ({
      metric,
      rows: gold,
      rows_per_s: gold / seconds,
      seconds,
      cpu_s: cpu,
      'argus/peer': seconds / argus.seconds,
      'argus/peer cpu': cpu / argus.cpu_seconds,
      goal: null,
    });
    return [
      row('argus (fuse→gate→adjust→score)', argus.seconds, argus.cpu_seconds),
      { ...row('pandas (vectorised)', peer.pandas_s[0], peer.pandas_cpu_s[0]), goal: '≥ 1.0' },
      { ...row('duckdb (one SQL query)', peer.duckdb_s[0], peer.duckdb_cpu_s[0]), goal: '≥ 0.3' },
    ];
  },
});

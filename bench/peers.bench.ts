/**
 * `npm run bench -- peers [--runs 3] [--scale 1]`: Argus's Gold logic (the real operators fuse →
 * consistency_gate → adjust → quality_score through the runtime's nodeOperator, in memory) vs the
 * same logic as vectorised pandas and as one DuckDB SQL query (bench/py/peers.py), on the same
 * Bronze rows (bench/lib/market.ts: 5,400 symbols × 10 trading days at scale 1, both sources, seeded
 * defects). Rows/s of Gold rows (published + quarantined) and ratios Argus ÷ peer measured in the
 * same run. Goals: ≥ 1.0× pandas, ≥ 0.3× DuckDB. Loading the data is untimed for every side.
 * The three sides must agree on the published/quarantined row counts or the run fails.
 *
 * Where Argus's time goes: every operator of the chain works on column batches (see engine/api
 * batch.ts), so no record is built; a warm profile spreads the time over fuse (indexing a day's
 * streams by key, reading source columns, the validity masks), adjust (hfq columns and the factor
 * memory), the gate and the score, and GC, with no single hotspot. The first run of a process is ~3×
 * slower (V8 compiling the loops), hence the untimed warm-up run in setup. Before the column batches
 * the chain did ~8,000 rows/s (every operator copied each record).
 * Reproduce: `node --cpu-prof --import tsx` on a script calling `goldChain().run(bronzeColumns(bronzeMarket(...)))`.
 */
import type { ColumnTable } from 'arquero';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bronzeColumns, goldChain } from './lib/gold-chain.ts';
import { bronzeMarket, toCsv, type BronzeDay, type BronzeTable } from './lib/market.ts';
import { defineBench, type BenchRow } from './types.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const SYMBOLS = 5400;

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
  duckdb_s: number[];
}

let market: BronzeDay[] = [];
let bronze: ColumnTable[] = [];

export default defineBench({
  name: 'peers',
  description:
    'Gold logic (fuse + consistency + hfq + score): Argus operators vs vectorised pandas vs one DuckDB query; Gold rows/s',
  async setup({ scale, workDir, log }) {
    const days = Math.max(1, Math.round(10 * scale));
    market = bronzeMarket({ symbols: SYMBOLS, days });
    for (const t of [
      'qmt_hist_kline',
      'tushare_daily',
      'tushare_adj_factor',
      'tushare_daily_basic',
    ] as BronzeTable[])
      writeFileSync(join(workDir, `${t}.csv`), toCsv(market, t));
    bronze = bronzeColumns(market);
    // One untimed run first, as a long-running engine is warm after its first days: the timed runs
    // measure the logic, not V8 compiling it (the first run of a process is ~3× slower).
    await (await goldChain()).run(bronze);
    log(
      `Bronze: ${SYMBOLS} symbols × ${days} days, ${market.reduce((n, d) => n + Object.values(d.tables).reduce((m, r) => m + r.length, 0), 0)} rows`,
    );
  },
  async run({ workDir, log }) {
    const chain = await goldChain();
    const argus = await chain.run(bronze);
    const { stdout } = await run(python(), [join(here, 'py', 'peers.py'), workDir, '1'], {
      maxBuffer: 1 << 20,
    });
    const peer = JSON.parse(stdout) as PeerResult;
    const gold = argus.published + argus.quarantined;
    log(
      `argus ${gold} rows (${argus.quarantined} quarantined, ${argus.errors} errors) in ${argus.seconds.toFixed(2)} s; pandas ${peer.pandas_s[0].toFixed(2)} s; duckdb ${peer.duckdb_s[0].toFixed(2)} s`,
    );
    // The three must agree on what they produced, or the comparison means nothing.
    if (peer.rows !== gold || peer.published !== argus.published || peer.duckdb_published !== argus.published)
      throw new Error(
        `peers disagree: argus ${argus.published}/${gold} published, pandas ${peer.published}/${peer.rows}, duckdb ${peer.duckdb_published}`,
      );
    const a = gold / argus.seconds;
    const p = peer.rows / peer.pandas_s[0];
    const d = peer.rows / peer.duckdb_s[0];
    const row = (metric: string, v: number): BenchRow => ({
      metric,
      rows: gold,
      rows_per_s: v,
      seconds: gold / v,
      'argus/peer': a / v,
      goal: null,
    });
    return [
      { ...row('argus (fuse→gate→adjust→score)', a), goal: null },
      { ...row('pandas (vectorised)', p), goal: '≥ 1.0' },
      { ...row('duckdb (one SQL query)', d), goal: '≥ 0.3' },
    ];
  },
});

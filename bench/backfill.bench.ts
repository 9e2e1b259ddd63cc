/**
 * `npm run bench -- backfill [--runs 3] [--scale 1]`: Gold backfill throughput and memory of the real
 * engine running pipelines/gold.yaml (the spec `argus backfill` runs per chunk) over Bronze Delta
 * tables of the full market (5,400 symbols, bench/lib/market.ts; written untimed in setup). Each run
 * is a child process (bench/lib/gold-run.ts) so peak RSS and CPU time are the engine's.
 *
 * 5 and 20 years of the full market (~6.5 M and ~26 M Gold rows) do not fit in a bench run on two
 * shared cores, so the years are scaled down, in the same 1 : 4 proportion: at scale 1 the "5 years"
 * case is 20 trading days and the "20 years" case 80 (`--scale` multiplies both). The output says so,
 * and projects the full-size wall time from the measured rate. Peak RSS growing with the range would
 * show up as the difference between the two cases; the 20-year case runs once more under a 1 GiB
 * V8 heap limit to separate lazy garbage collection from a growing live set.
 * Each case is one pipeline run, like one chunk of `argus backfill` (year-long by default: the Bronze
 * sources stream a day at a time), so the fixed cost of a run (loading the specs and the imputation
 * history) weighs more here than in a real backfill. `npx tsx bench/backfill-full.ts --years 5` runs
 * the unscaled backfill through the CLI.
 * Goals: ≥ 100,000 Gold rows/s, peak RSS ≤ 1.5 GB.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runGoldChild, writeBronze } from './lib/gold-run.ts';
import { bronzeMarket, type BronzeDay } from './lib/market.ts';
import { defineBench, type BenchRow } from './types.ts';

const SYMBOLS = 5400;
const TRADING_DAYS_PER_YEAR = 242;
let market: BronzeDay[] = [];
const cases: { years: number; days: number; heapMiB?: number }[] = [];

export default defineBench({
  name: 'backfill',
  description:
    'Gold backfill (pipelines/gold.yaml in the engine) of the full market: Gold rows/s, CPU, peak RSS; years scaled down',
  async setup({ scale, workDir, log }) {
    cases.push(
      { years: 5, days: Math.max(2, Math.round(20 * scale)) },
      { years: 20, days: Math.max(8, Math.round(80 * scale)) },
    );
    // V8 grows the heap towards its default limit before collecting hard, so peak RSS without a limit
    // says little about the live set: the same 20-year case again under a 1 GiB old space (a deployment
    // setting, NODE_OPTIONS=--max-old-space-size=1024) shows whether the run fits the 1.5 GB goal.
    cases.push({ ...cases[1], heapMiB: 1024 });
    market = bronzeMarket({ symbols: SYMBOLS, days: cases[1].days });
    await writeBronze(workDir, market);
    log(
      `Bronze: ${SYMBOLS} symbols × ${market.length} days written; cases ${cases.map((c) => `${c.years}y→${c.days}d`).join(', ')}`,
    );
  },
  async run({ workDir, log }) {
    const out: BenchRow[] = [];
    for (const c of cases) {
      // Each run starts from an empty Gold (and quality tables): a backfill, not a re-run.
      for (const d of ['gold', 'quality']) rmSync(join(workDir, 'lake', d), { recursive: true, force: true });
      rmSync(join(workDir, 'state'), { recursive: true, force: true });
      const from = market[0].trade_date;
      const to = market[c.days - 1].trade_date;
      const r = await runGoldChild(workDir, from, to, c.heapMiB ? [`--max-old-space-size=${c.heapMiB}`] : []);
      if (r.failures) throw new Error(`backfill bench: the Gold pipeline failed: ${r.failure}`);
      if (r.gold_rows !== SYMBOLS * c.days)
        throw new Error(`backfill bench: ${r.gold_rows} Gold rows for ${c.days} days × ${SYMBOLS} symbols`);
      const rate = r.gold_rows / r.seconds;
      const fullRows = SYMBOLS * TRADING_DAYS_PER_YEAR * c.years;
      log(
        `${c.years}y case (${c.days} days): ${r.gold_rows} rows in ${r.seconds.toFixed(1)} s, RSS ${r.peak_rss_mib} MiB`,
      );
      out.push({
        metric: `${c.years} years (scaled to ${c.days} days × ${SYMBOLS})${c.heapMiB ? `, heap ≤ ${c.heapMiB} MiB` : ''}`,
        gold_rows: r.gold_rows,
        seconds: r.seconds,
        rows_per_s: rate,
        cpu_s: r.cpu_s,
        cpu_rows_per_s: r.gold_rows / r.cpu_s,
        peak_rss_mib: r.peak_rss_mib,
        'projected full h': fullRows / rate / 3600,
        goal: '≥ 100000 rows/s, ≤ 1536 MiB',
      });
    }
    return out;
  },
});

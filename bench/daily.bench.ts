/**
 * `npm run bench -- daily [--runs 3] [--scale 1]`: one full-market trading day (5,400 symbols × scale)
 * from trigger to Gold commit. Today this is the Gold stage: Bronze Delta (both sources, adj_factor,
 * daily_basic; written untimed) → pipelines/gold.yaml in the real engine (fuse, corporate actions,
 * consistency gate, impute, hfq, quality score, conform, Gold commit) in a child process: wall time,
 * CPU time, peak RSS. The collection half (simulator → collect → Kafka → Bronze) is measured by the
 * `bus` bench; the single end-to-end `argus daily` job is not in the tree yet, and this bench will
 * drive it once it is. Goal: < 30 s on 2 cores for the whole day.
 *
 * The day is the 6th of a 6-day range, so adjust's state seeds from 5 prior Gold days, as on a
 * production day (those 5 days are backfilled untimed first).
 */
import { runGoldChild, writeBronze } from './lib/gold-run.ts';
import { bronzeMarket, type BronzeDay } from './lib/market.ts';
import { defineBench } from './types.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const PRIOR = 5;
let market: BronzeDay[] = [];
let symbols = 5400;

export default defineBench({
  name: 'daily',
  description: 'one full-market trading day, Bronze → Gold commit in the real engine (Gold stage of the daily job): wall, CPU, peak RSS',
  async setup({ scale, workDir, log }) {
    symbols = Math.max(100, Math.round(5400 * scale));
    market = bronzeMarket({ symbols, days: PRIOR + 1 });
    await writeBronze(workDir, market);
    log(`Bronze: ${symbols} symbols × ${market.length} days written`);
  },
  async run({ workDir }) {
    for (const d of ['gold', 'quality']) rmSync(join(workDir, 'lake', d), { recursive: true, force: true });
    const prior = await runGoldChild(workDir, market[0].trade_date, market[PRIOR - 1].trade_date);
    if (prior.failures) throw new Error(`daily bench: prior days failed: ${prior.failure}`);
    const day = market[PRIOR].trade_date;
    const r = await runGoldChild(workDir, day, day);
    if (r.failures) throw new Error(`daily bench: the Gold pipeline failed: ${r.failure}`);
    if (r.gold_rows !== symbols) throw new Error(`daily bench: ${r.gold_rows} Gold rows for ${symbols} symbols`);
    return [
      { metric: `trading day ${day}, ${symbols} symbols: Bronze → Gold commit`, seconds: r.seconds, cpu_s: r.cpu_s, peak_rss_mib: r.peak_rss_mib, gold_rows: r.gold_rows, goal: '< 30 s (whole daily job)' },
    ];
  },
});

/**
 * `npm run bench -- daily [--runs 3] [--scale 1]`: a full-market trading day end to end — the real
 * `argus daily` job (`runDaily`: simulator → collect → Kafka → Bronze → Gold with quality and hfq) for
 * 5,400 symbols × scale — in a child process per run: wall time from trigger to the Gold commit
 * (the simulator's own start excluded: it stands in for the market), time per stage, CPU time and
 * peak RSS. Goal: < 30 s on 2 cores.
 *
 * Kafka: the repo's broker (`npm run services -- up kafka`); when it is not running the bench starts
 * it and stops it again afterwards (only what it started). `BENCH_DAILY_BUS=memory` uses the
 * embedded bus instead. A second row times the Gold stage alone (pipelines/gold.yaml over the
 * job's own Bronze in the engine), as a cross-check of the job's `gold` stage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { downServices, upServices } from '../infra/manager.ts';
import { runDailyChild } from './lib/daily-run.ts';
import { runGoldChild } from './lib/gold-run.ts';
import { defineBench, type BenchOptions, type BenchRow } from './types.ts';

let brokers: string[] | undefined;
let started: string[] = [];

export default defineBench({
  name: 'daily',
  description:
    'one full-market trading day, argus daily (sim → collect → Kafka → Bronze → Gold): wall, stages, CPU, peak RSS',
  async setup({ log }) {
    if (process.env.BENCH_DAILY_BUS === 'memory') return;
    const up = await upServices(['kafka'], (m) => log(`services: ${m}`));
    started = up.started;
    brokers = up.records.kafka.endpoint.brokers as string[];
  },
  async teardown() {
    if (started.length) await downServices(started);
  },
  async run(opts) {
    try {
      return await runOnce(opts);
    } catch (e) {
      // The runner skips teardown when a run throws: stop the broker this bench started here.
      if (started.length) await downServices(started);
      started = [];
      throw e;
    }
  },
});

async function runOnce({ scale, workDir, run, log }: BenchOptions): Promise<BenchRow[]> {
  {
    const symbols = Math.max(100, Math.round(5400 * scale));
    const root = mkdtempSync(join(workDir, `day-${run}-`));
    const lake = join(root, 'lake');
    const r = await runDailyChild(lake, symbols, brokers);
    log(
      `${r.date}: ${r.gold_rows} Gold rows (${r.quarantined} quarantined) in ${r.seconds.toFixed(1)} s ${JSON.stringify(r.stages)}`,
    );
    // The simulator suspends a few instruments on any day (~2 %), which produce no Gold row.
    if (r.gold_rows + r.quarantined < symbols * 0.9)
      throw new Error(
        `daily bench: ${r.gold_rows} Gold rows + ${r.quarantined} quarantined for ${symbols} symbols`,
      );
    // Cross-check: the Gold stage alone over the Bronze the job just wrote (a re-run replaces the day).
    const g = await runGoldChild(root, r.date, r.date);
    if (g.failures) throw new Error(`daily bench: Gold stage re-run failed: ${g.failure}`);
    rmSync(root, { recursive: true, force: true });
    const bus = brokers ? 'kafka' : 'memory bus';
    return [
      {
        metric: `argus daily, ${symbols} symbols, ${bus}: trigger → Gold commit`,
        seconds: r.seconds,
        collect_s: r.stages.collect ?? null,
        bronze_s: r.stages.bronze ?? null,
        gold_s: r.stages.gold ?? null,
        cpu_s: r.cpu_s,
        peak_rss_mib: r.peak_rss_mib,
        gold_rows: r.gold_rows,
        goal: '< 30 s',
      },
      {
        metric: `Gold stage alone (gold.yaml over that Bronze)`,
        seconds: g.seconds,
        collect_s: null,
        bronze_s: null,
        gold_s: g.seconds,
        cpu_s: g.cpu_s,
        peak_rss_mib: g.peak_rss_mib,
        gold_rows: g.gold_rows,
        goal: null,
      },
    ] satisfies BenchRow[];
  }
}

/**
 * `npm run bench -- engine-overhead [--runs 3] [--scale 1]`: what the engine costs around the Kafka
 * hop. The same events (real Tushare bars, 20 rows per event) go (1) through raw kafkajs (idempotent
 * produce, acks=all → consumer group, JSON decode, commit per batch) and (2) through Argus: a
 * collect-shaped pipeline whose engine `kafka` sink publishes them, and pipelines/bronze.yaml whose
 * engine `kafka` source consumes them (wrap, validate, explode, normalise, dedupe; Delta sinks swapped
 * for a no-op), committing after the sink. Both cases are bench/bus.bench.ts's, reused as is
 * (`BENCH_SKIP_DELTA`): this bench only reports the overhead view, over the same window as `bus`
 * (from the joined group and the same in-memory responses to the last commit). Uses the repo's
 * Kafka (started and stopped again when it is not running).
 * Scale 1 = 3,000 events (60,000 rows); two interleaved pairs per run (order alternating, both
 * sides warmed first), `argus/raw` the median of the per-pair ratios; medians over runs.
 */
import busBench, { type BusBenchRow } from './bus.bench.ts';
import { benchKafka, type BenchKafka } from './lib/kafka.ts';
import { defineBench } from './types.ts';

let kafka: BenchKafka | undefined;

export default defineBench({
  name: 'engine-overhead',
  description:
    'Argus kafka sink → Kafka → kafka source (+ Bronze transforms) vs raw kafkajs produce/consume of the same events',
  async setup({ log }) {
    kafka = await benchKafka(log);
  },
  async teardown() {
    await kafka?.release();
  },
  async run({ scale, log, run }) {
    const events = Math.max(200, Math.round(3000 * scale));
    const before = process.env.BENCH_SKIP_DELTA;
    process.env.BENCH_SKIP_DELTA = '1';
    let rows: BusBenchRow[];
    try {
      rows = await busBench.run({ events, repeats: 2, run, brokers: kafka!.brokers });
    } catch (e) {
      await kafka?.release(); // the runner skips teardown after a failed run
      throw e;
    } finally {
      if (before === undefined) delete process.env.BENCH_SKIP_DELTA;
      else process.env.BENCH_SKIP_DELTA = before;
    }
    const [raw, argus] = rows;
    log(`raw ${raw.seconds} s, argus ${argus.seconds} s for ${events} events`);
    return [
      {
        metric: 'raw kafkajs produce+consume',
        events,
        rows: raw.rows,
        seconds: raw.seconds,
        rows_per_s: raw.rows_per_s,
        'argus/raw': 1,
        overhead_ms_per_1k_events: 0,
        cpu_ms_per_1k_events: raw.cpu_ms_per_1k_events,
      },
      {
        metric: 'argus kafka sink → kafka source (+ bronze transforms)',
        events,
        rows: argus.rows,
        seconds: argus.seconds,
        rows_per_s: argus.rows_per_s,
        'argus/raw': argus.ratio,
        overhead_ms_per_1k_events: ((argus.seconds - raw.seconds) * 1e6) / events,
        cpu_ms_per_1k_events: argus.cpu_ms_per_1k_events,
      },
    ];
  },
});

/**
 * Kafka for the benches: reuse the repo's broker when it runs, else start it, and stop afterwards
 * only a broker this process started (others may be using theirs).
 *
 * @example
 * const k = await benchKafka(log); try { use(k.brokers) } finally { await k.release() }
 */
import { downServices, upServices } from '../../infra/manager.ts';

export interface BenchKafka {
  brokers: string[];
  release(): Promise<void>;
}

export async function benchKafka(log: (m: string) => void): Promise<BenchKafka> {
  const up = await upServices(['kafka'], (m) => log(`services: ${m}`));
  let started = up.started;
  return {
    brokers: up.records.kafka.endpoint.brokers as string[],
    async release() {
      const s = started;
      started = [];
      if (s.length) await downServices(s);
    },
  };
}

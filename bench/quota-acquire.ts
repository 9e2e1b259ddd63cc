/**
 * Cost of the shared quota per API call, against its floor: a bare Redis `INCR` round trip (any
 * shared counter pays at least that). Prints acquire/s and the ratio to INCR for the Lua
 * check-and-increment without and with the per-minute window, 1 and 8 calls in flight.
 *
 *   npx tsx bench/quota-acquire.ts            # starts a throw-away redis-server
 *   ARGUS_REDIS_URL=redis://127.0.0.1:6379 npx tsx bench/quota-acquire.ts
 *
 * The script does 5–7 Redis commands where INCR does one, so a few × INCR is expected. Goal: the
 * quota never shapes collection — sequential acquire under 1% of the time one call may take at
 * the top Tushare tier (500/min → 120 ms), i.e. < 1.2 ms.
 */
import { Redis } from 'ioredis';
import { QuotaManager, RedisStore, type QuotaConfig } from '../engine/backends/quota/index.ts';
import { startRedis } from '../test/quota/redis-process.ts';

const N = Number(process.env.BENCH_N ?? 4000);
const own = process.env.ARGUS_REDIS_URL ? undefined : await startRedis('none');
const url = process.env.ARGUS_REDIS_URL ?? own!.url;

function config(perMinute: number | null): QuotaConfig {
  return {
    name: 'bench',
    keyPrefix: `bench${Date.now()}${perMinute ?? 'x'}:quota`,
    timeZone: 'Asia/Shanghai',
    endpoints: { daily: { daily: 10_000_000, perMinute } },
    defaults: { daily: null, perMinute: null },
    alertRatio: 0.9,
    localBudget: { fraction: 0.05, maxCalls: 200, rateFraction: 0.5 },
    onStateLoss: 'assume_exhausted',
    maxWaitMs: 0,
    budget: { dailyCalls: null, weeklyCalls: null, alertRatio: 0.9 },
    marketDataEndpoints: [],
  };
}

async function rate(inFlight: number, op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await op(); // warm-up (script load, connections)
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < N) await op();
    }),
  );
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const raw = new Redis(url);
const manager = (c: QuotaConfig) =>
  new QuotaManager({ config: c, store: new RedisStore({ url, keyPrefix: c.keyPrefix }) });
const plain = manager(config(null));
const windowed = manager(config(1_000_000));
await plain.start();
await windowed.start();

console.log(`quota acquire vs INCR round trip, ${N} ops each, node ${process.version}`);
// Two rounds, peers interleaved (JIT and connections warm up in the first).
let sequentialMs = Infinity;
for (const inFlight of [1, 1, 8, 8]) {
  const win = await rate(inFlight, () => windowed.acquire('daily'));
  const lua = await rate(inFlight, () => plain.acquire('daily'));
  const incr = await rate(inFlight, () => raw.incr('bench:incr'));
  const f = (x: number) => `${Math.round(x).toString().padStart(7)}/s`;
  if (inFlight === 1) sequentialMs = Math.min(sequentialMs, 1000 / Math.min(lua, win));
  console.log(
    `in flight ${inFlight}: INCR ${f(incr)} | acquire ${f(lua)} (${(incr / lua).toFixed(2)}× INCR) | acquire+minute window ${f(win)} (${(incr / win).toFixed(2)}× INCR)`,
  );
}
console.log(
  `sequential acquire ${sequentialMs.toFixed(3)} ms (goal < 1.2 ms): ${sequentialMs < 1.2 ? 'met' : 'NOT met'}`,
);
raw.disconnect();
await plain.close();
await windowed.close();
await own?.stop();

/**
 * One engine-like process of the multi-process experiments: acquires quota, then makes the "API call"
 * (a POST to the counting server), until the day's quota is gone or the deadline passes. Prints one
 * JSON line with what it did. Input: env ARGUS_QUOTA_WORKER (JSON).
 */
import {
  QuotaExhaustedError,
  QuotaManager,
  RedisStore,
  type QuotaConfig,
} from '../../engine/backends/quota/index.ts';

interface Input {
  redisUrl: string;
  config: QuotaConfig;
  apiUrl: string;
  endpoint: string;
  delayMs: number;
  deadlineMs: number;
}

const input = JSON.parse(process.env.ARGUS_QUOTA_WORKER ?? '{}') as Input;
const store = new RedisStore({ url: input.redisUrl, keyPrefix: input.config.keyPrefix });
const quota = new QuotaManager({ config: input.config, store });
const events: string[] = [];
quota.onEvent((e) => events.push(`${e.type}${e.alert ? '!' : ''}`));
await quota.start();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const deadline = Date.now() + input.deadlineMs;
let calls = 0;
let localCalls = 0;
let refusedLocal = 0;
let finished = false;
while (Date.now() < deadline) {
  try {
    const mode = quota.backendMode;
    await quota.acquire(input.endpoint);
    if (mode === 'local') localCalls++;
  } catch (err) {
    if (!(err instanceof QuotaExhaustedError)) throw err;
    if (quota.backendMode === 'local') {
      // Out of local budget while Redis is away: wait for the resync, do not call.
      refusedLocal++;
      await sleep(50);
      continue;
    }
    finished = true;
    break;
  }
  const res = await fetch(`${input.apiUrl}/${input.endpoint}`, { method: 'POST' });
  await res.text();
  calls++;
  if (input.delayMs) await sleep(input.delayMs);
}
await quota.close();
process.stdout.write(
  JSON.stringify({ pid: process.pid, calls, localCalls, refusedLocal, finished, events }) + '\n',
);

/** Shared pieces of the quota tests: a policy config and a counting stand-in for the limited API. */
import { createServer, type Server } from 'node:http';
import type { QuotaConfig } from '../../engine/backends/quota/index.ts';

let n = 0;
/** A config with its own key prefix, so tests sharing one Redis never see each other's counters. */
export function testConfig(over: Partial<QuotaConfig> = {}): QuotaConfig {
  return {
    name: 'test',
    keyPrefix: `test${process.pid}x${++n}x${Date.now()}:quota`,
    timeZone: 'Asia/Shanghai',
    endpoints: { daily: { daily: 100, perMinute: null } },
    defaults: { daily: null, perMinute: null },
    alertRatio: 0.9,
    localBudget: { fraction: 0, maxCalls: 0, rateFraction: 1 },
    onStateLoss: 'assume_exhausted',
    maxWaitMs: 0,
    budget: { dailyCalls: null, weeklyCalls: null, alertRatio: 0.9 },
    marketDataEndpoints: ['daily'],
    ...over,
  };
}

/**
 * The API side of the experiment: counts the calls that actually arrive, independently of the quota
 * manager's own bookkeeping. `POST /<endpoint>` → 200.
 */
export async function startCountingApi(): Promise<{
  url: string;
  count: (endpoint: string) => number;
  close: () => Promise<void>;
}> {
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const endpoint = (req.url ?? '/').slice(1);
    counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    count: (e) => counts.get(e) ?? 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

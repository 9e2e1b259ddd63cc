/**
 * Quota backend: `createQuotaManager` builds a manager on Redis (shared, when a URL is given) or in
 * memory (embedded default).
 *
 * @example
 * const quota = await createQuotaManager({ policy: doc, redisUrl: process.env.ARGUS_REDIS_URL, metrics: ctx.metrics });
 * await quota.acquire('daily');
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { parse } from 'yaml';
import type { Metrics, SpecDoc } from '../../api/index.ts';
import { QuotaManager } from './manager.ts';
import { MemoryStore } from './memory-store.ts';
import { quotaConfigFromSpec, type QuotaPolicySpec } from './policy.ts';
import { RedisStore } from './redis-store.ts';
import type { QuotaConfig } from './types.ts';

export * from './types.ts';
export { QuotaManager } from './manager.ts';
export { RedisStore } from './redis-store.ts';
export { MemoryStore } from './memory-store.ts';
export { StoreUnavailableError, type QuotaStore } from './store.ts';
export { quotaConfigFromSpec, rateForPoints, type QuotaPolicySpec } from './policy.ts';
export { costView, checkBudget, type CostView } from './cost.ts';
export { dayWindow } from './day-window.ts';
export { quotaBackendFactory } from './backend.ts';
export { forwardQuotaAlerts, quotaAlertSignal } from './alerts.ts';

export interface CreateQuotaOptions {
  /** A loaded QuotaPolicy document, or an already resolved config. */
  policy: Pick<SpecDoc<QuotaPolicySpec>, 'metadata' | 'spec'> | QuotaConfig;
  /** `redis://host:port/db`; absent → in-memory (one process only). */
  redisUrl?: string;
  now?: () => number;
  metrics?: Metrics;
  logger?: Logger;
  /** How often to refresh the cost view / budget alert (ms); 0 = never. Default 60 s. */
  budgetCheckMs?: number;
}

/** Builds and starts a quota manager. Never fails for an unreachable Redis (starts degraded). */
export async function createQuotaManager(opts: CreateQuotaOptions): Promise<QuotaManager> {
  const config =
    'spec' in opts.policy
      ? quotaConfigFromSpec(String(opts.policy.metadata.name), opts.policy.spec)
      : opts.policy;
  const store = opts.redisUrl
    ? new RedisStore({ url: opts.redisUrl, keyPrefix: config.keyPrefix })
    : new MemoryStore(opts.now);
  const manager = new QuotaManager({
    config,
    store,
    now: opts.now,
    metrics: opts.metrics,
    logger: opts.logger,
  });
  await manager.start();
  const every = opts.budgetCheckMs ?? 60_000;
  if (every > 0) manager.startBudgetChecks(every);
  return manager;
}

/** Reads a QuotaPolicy YAML file (the first document of that kind). */
export function loadQuotaPolicy(file: string): SpecDoc<QuotaPolicySpec> {
  const doc = parse(readFileSync(file, 'utf8')) as SpecDoc<QuotaPolicySpec>;
  if (doc?.kind !== 'QuotaPolicy')
    throw new Error(`${file}: expected kind QuotaPolicy, found ${String(doc?.kind)}`);
  return { ...doc, file };
}

/**
 * The engine's `quota` backend factory. Synchronous, as the engine's backend registry wants: the
 * quota manager connects on first use.
 *
 * `quota`: the QuotaPolicy named by `ARGUS_QUOTA_POLICY` (default: the only loaded one), on Redis at
 *   `ARGUS_REDIS_URL` (absent: in memory, one process), alerts forwarded to the `alerts` backend when
 *   one is configured.
 *
 * @example
 * // engine wiring (argus.ts):
 * backends: { quota: quotaBackendFactory() }
 */
import type { Logger } from 'pino';
import type { Metrics, SpecDoc } from '../../api/index.ts';
import type { AlertNotifier } from '../alerts/index.ts';
import { forwardQuotaAlerts } from './alerts.ts';
import { QuotaManager } from './manager.ts';
import { MemoryStore } from './memory-store.ts';
import { quotaConfigFromSpec, type QuotaPolicySpec } from './policy.ts';
import { RedisStore } from './redis-store.ts';

/** What the factories read from the engine environment (structural, no runtime import). */
export interface EnvLike {
  docs: SpecDoc[];
  metrics: Metrics;
  logger: Logger;
  backends?: { get<T>(role: string): T };
}

export function quotaBackendFactory(opts: { policy?: string; redisUrl?: string } = {}) {
  return (env: EnvLike): QuotaManager => {
    const wanted = opts.policy ?? process.env.ARGUS_QUOTA_POLICY;
    const docs = env.docs.filter((d) => d.kind === 'QuotaPolicy') as SpecDoc<QuotaPolicySpec>[];
    const doc = wanted
      ? docs.find((d) => d.metadata.name === wanted)
      : docs.length === 1
        ? docs[0]
        : undefined;
    if (!doc) {
      throw new Error(
        wanted
          ? `quota backend: no QuotaPolicy named "${wanted}" is loaded (loaded: ${docs.map((d) => d.metadata.name).join(', ') || 'none'})`
          : `quota backend: load exactly one QuotaPolicy (e.g. policies/quotas.yaml) or set ARGUS_QUOTA_POLICY (loaded: ${docs.length})`,
      );
    }
    const config = quotaConfigFromSpec(String(doc.metadata.name), doc.spec);
    const url = opts.redisUrl ?? process.env.ARGUS_REDIS_URL;
    const store = url ? new RedisStore({ url, keyPrefix: config.keyPrefix }) : new MemoryStore();
    const manager = new QuotaManager({
      config,
      store,
      metrics: env.metrics,
      logger: env.logger.child({ backend: 'quota' }),
    });
    try {
      const alerts = env.backends?.get<AlertNotifier>('alerts');
      if (alerts) forwardQuotaAlerts(manager, alerts);
    } catch {
      // no alerts backend configured: events still reach the log and the metrics
    }
    manager.startBudgetChecks(60_000);
    return manager;
  };
}

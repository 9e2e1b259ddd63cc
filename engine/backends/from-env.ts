/**
 * Backends chosen from the environment, embedded by default so that `npm start` needs no service:
 * - `ARGUS_BUS=memory|kafka` with `ARGUS_KAFKA_BROKERS=host:port,...`
 * - `ARGUS_LAKE=<dir>` (default `./lake`)
 * - `ARGUS_SECRETS=env|vault`; vault reads `VAULT_ADDR` and either `VAULT_TOKEN` or
 *   `ARGUS_VAULT_ROLE_ID` + `VAULT_SECRET_ID` (AppRole); env maps `kv/argus/tushare#token` to
 *   `ARGUS_SECRET_KV_ARGUS_TUSHARE_TOKEN`
 * - `ARGUS_REDIS_URL` puts the Tushare quota on Redis (in memory otherwise), `ARGUS_QUOTA_POLICY`
 * - `ARGUS_ALERT_WEBHOOK_URL`, `ARGUS_ALERTMANAGER_URL` add alert receivers (log always)
 */
import type { BackendFactory } from '../runtime/env.ts';
import { alertBackendFromEnv } from './alerts/from-env.ts';
import { createBus } from './bus/index.ts';
import { healthBackendFactory } from './health/index.ts';
import { quotaBackendFactory } from './quota/index.ts';
import { createSecretsBackend, type SecretsConfig } from './secrets/index.ts';
import { createLake } from '../lake/index.ts';

export function backendsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, BackendFactory> {
  return {
    bus: () =>
      env.ARGUS_BUS === 'kafka'
        ? createBus({
            type: 'kafka',
            brokers: required(env, 'ARGUS_KAFKA_BROKERS', 'ARGUS_BUS=kafka'),
            clientId: env.ARGUS_KAFKA_CLIENT_ID ?? 'argus',
          })
        : createBus({ type: 'memory' }),
    lake: (e) => createLake(env.ARGUS_LAKE ?? e.lakeRoot),
    secrets: () => createSecretsBackend(secretsConfig(env)),
    alerts: (e) => alertBackendFromEnv(env, e.stateRoot, e.logger),
    quota: quotaBackendFactory({ redisUrl: env.ARGUS_REDIS_URL }) as BackendFactory,
    health: healthBackendFactory() as BackendFactory,
  };
}

export function secretsConfig(env: NodeJS.ProcessEnv): SecretsConfig {
  if (env.ARGUS_SECRETS !== 'vault') return { type: 'env', env };
  const auth = env.ARGUS_VAULT_ROLE_ID
    ? { method: 'approle' as const, roleId: env.ARGUS_VAULT_ROLE_ID }
    : { method: 'token' as const };
  return { type: 'vault', addr: env.VAULT_ADDR ?? env.BAO_ADDR, auth };
}

function required(env: NodeJS.ProcessEnv, name: string, when: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} must be set when ${when}`);
  return v;
}

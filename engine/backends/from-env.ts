/**
 * Backends chosen from the environment, embedded by default so that `npm start` needs no service:
 * - `ARGUS_BUS=memory|kafka` with `ARGUS_KAFKA_BROKERS=host:port,...`
 * - `ARGUS_LAKE=<dir>` (default `./lake`)
 */
import type { BackendFactory } from '../runtime/env.ts';
import { createBus } from './bus/index.ts';
import { createLake } from '../lake/index.ts';

export function backendsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, BackendFactory> {
  return {
    bus: () =>
      env.ARGUS_BUS === 'kafka'
        ? createBus({ type: 'kafka', brokers: required(env, 'ARGUS_KAFKA_BROKERS'), clientId: env.ARGUS_KAFKA_CLIENT_ID ?? 'argus' })
        : createBus({ type: 'memory' }),
    lake: (e) => createLake(env.ARGUS_LAKE ?? e.lakeRoot),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} must be set when ARGUS_BUS=kafka`);
  return v;
}

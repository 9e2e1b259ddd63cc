/**
 * What a chaos run observed, taken from the engine's own backends rather than guessed from the
 * outside: every source-health transition and call outcome (the `health` backend the `failover`
 * source reports to) and every quota event (the `quota` backend). The wrappers keep the real
 * backends; they only listen.
 *
 * @example
 * const obs = new Observer();
 * await runDaily({ backends: obs.backends(services().redis.url), ... });
 * obs.firstOk('Tushare', 'call'); // epoch ms of the first Tushare data served by the failover
 */
import { backendsFromEnv } from '../../engine/backends/from-env.ts';
import {
  healthBackendFactory,
  type HealthRegistry,
  type Observation,
  type Transition,
} from '../../engine/backends/health/index.ts';
import { quotaBackendFactory } from '../../engine/backends/quota/index.ts';
import type { QuotaEvent } from '../../engine/backends/quota/types.ts';
import type { BackendFactory } from '../../engine/runtime/env.ts';

export interface Seen {
  source: string;
  at: number;
  obs: Observation;
}

export class Observer {
  readonly transitions: Transition[] = [];
  readonly observations: Seen[] = [];
  readonly quota: QuotaEvent[] = [];

  /** backendsFromEnv with the health and quota backends observed (quota on `redisUrl`). */
  backends(redisUrl: string): (env: NodeJS.ProcessEnv) => Record<string, BackendFactory> {
    return (env) => {
      const base = backendsFromEnv(env);
      const health = healthBackendFactory();
      const quota = quotaBackendFactory({ redisUrl });
      return {
        ...base,
        health: ((e: Parameters<typeof health>[0]) => this.watchHealth(health(e))) as BackendFactory,
        quota: ((e: Parameters<typeof quota>[0]) => {
          const q = quota(e);
          q.onEvent((ev) => this.quota.push({ ...ev, at: Date.now() }));
          return q;
        }) as BackendFactory,
      };
    };
  }

  private watchHealth(r: HealthRegistry): HealthRegistry {
    r.onTransition((t) => this.transitions.push(t));
    const get = r.get.bind(r);
    const wrapped = new WeakSet<object>();
    r.get = (name, opts) => {
      const h = get(name, opts);
      if (!wrapped.has(h)) {
        wrapped.add(h);
        const record = h.record.bind(h);
        h.record = (o) => {
          this.observations.push({ source: name, at: Date.now(), obs: o });
          record(o);
        };
      }
      return h;
    };
    return r;
  }

  /** First successful observation of `source` at or after `since` (epoch ms). */
  firstOk(source: string, via?: 'call' | 'health', since = 0): number | undefined {
    return this.observations.find(
      (s) => s.source === source && s.obs.ok && s.at >= since && (!via || s.obs.via === via),
    )?.at;
  }

  firstFailure(source: string, since = 0): number | undefined {
    return this.observations.find((s) => s.source === source && !s.obs.ok && s.at >= since)?.at;
  }

  /** First transition of `source` to `to` at or after `since`. */
  transition(source: string, to: Transition['to'], since = 0): Transition | undefined {
    return this.transitions.find((t) => t.source === source && t.to === to && t.at >= since);
  }

  quotaEvent(type: QuotaEvent['type'], since = 0): QuotaEvent | undefined {
    return this.quota.find((e) => e.type === type && e.at >= since);
  }
}

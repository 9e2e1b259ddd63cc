/**
 * The chaos experiments of issue 7. Each one runs the daily job with one fault and says how its
 * detection and recovery times are measured (from the engine's own health transitions and quota
 * events, see observe.ts; never from the fault schedule alone). The Gold of every run is compared
 * with the clean run's Gold with delta-rs (suite.ts).
 *
 * The multi-process quota experiment (4 engine processes on one quota, Redis killed mid-run) is
 * `test/quota/multi-process.test.ts`; it is not repeated here.
 */
import { Redis } from 'ioredis';
import { createBus } from '../../engine/backends/bus/index.ts';
import { restart } from '../helpers/services.ts';
import { until, type RunContext, type RunOptions } from './run.ts';

export interface Measured {
  /** Fault start → the engine noticed (a health transition or quota event). */
  detectionMs?: number;
  /** Fault start → data flowing again (backup served / service back / resynced). */
  recoveryMs?: number;
  note?: string;
}

export interface Experiment extends RunOptions {
  name: string;
  /** What must hold, in words (printed in the table's legend). */
  goal: string;
  /** Gold lineage may legitimately differ from the clean run (a failover serves other rows). */
  lineageMayDiffer?: boolean;
  /** Upper bounds checked by the vitest suite. */
  limits?: { detectionMs?: number; recoveryMs?: number };
  measure(c: {
    obs: RunContext['obs'];
    simAt: number;
    hook?: Record<string, number | string | undefined>;
  }): Measured;
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

export const experiments: Experiment[] = [
  {
    name: 'qmt-outage',
    label: 'qmt-outage',
    goal: 'miniQMT agent down (data stalls then 500, /health 503) → Tushare serves market data; detection ≤ 10 s (goal), switch ≤ 2 min (contract)',
    // A window (open-ended) also makes the agent's /health answer 503 `unhealthy`.
    faults: [{ kind: 'outage', target: 'qmt', window: { from_ms: 0 } }],
    lineageMayDiffer: true,
    limits: { detectionMs: 10_000, recoveryMs: 120_000 },
    measure({ obs, simAt }) {
      const down = obs.transition('miniQMT', 'unavailable', simAt);
      const served = obs.firstOk('Tushare', 'call', simAt);
      return {
        detectionMs: down ? down.at - simAt : undefined,
        recoveryMs: served ? served - simAt : undefined,
        note: down
          ? `miniQMT unavailable (${down.reason}); first Tushare data = recovery`
          : 'miniQMT never marked unavailable',
      };
    },
  },
  {
    name: 'tushare-5xx-storm',
    label: 'tushare-storm',
    goal: 'Tushare answers 503 (50%) and rate-limit errors (30%) for 15 s → market data stays on miniQMT, collectors retry the rest',
    faults: [
      { kind: 'http_5xx', target: 'tushare', status: 503, rate: 0.5, window: { to_ms: 15_000 } },
      { kind: 'rate_limit', target: 'tushare', rate: 0.3, window: { to_ms: 15_000 } },
    ],
    measure({ obs, simAt }) {
      const qmtBad = obs.transition('miniQMT', 'unavailable', simAt);
      return {
        note: qmtBad
          ? 'miniQMT was marked unavailable (unexpected)'
          : 'market data served by miniQMT throughout; Tushare errors retried by the collector (no health signal)',
      };
    },
  },
  {
    name: 'quota-exhaustion',
    label: 'quota-exhausted',
    goal: 'the shared quota of the Tushare market-data endpoint (daily) reaches its limit when collect starts (a full-market day makes ~7 Tushare calls, all issued at once, so "mid-run" = before they are made; the factor and supplementary endpoints still have budget) → Tushare market data refused (dead-lettered, P1), fusion on miniQMT alone, Gold complete',
    spec: { localBudgetCalls: 1 },
    lineageMayDiffer: true,
    async during({ env, specs }) {
      const redis = new Redis(env.redisUrl, { lazyConnect: true });
      try {
        await redis.connect();
        const limits = { daily: 20000 };
        const at = Date.now();
        for (const [ep, limit] of Object.entries(limits))
          await redis.set(`${specs.quotaPrefix}:usage:${ep}`, String(limit), 'PX', 3_600_000);
        return { faultAt: at };
      } finally {
        redis.disconnect();
      }
    },
    measure({ obs, hook }) {
      const at = num(hook?.faultAt);
      const ex = at !== undefined ? obs.quotaEvent('exhausted', at) : undefined;
      return {
        detectionMs: ex && at !== undefined ? ex.at - at : undefined,
        note: ex
          ? `exhausted on ${ex.endpoint}`
          : `no exhausted event${hook?.hookError ? ` (${String(hook.hookError)})` : ''}`,
      };
    },
  },
  {
    name: 'kafka-broker-restart',
    label: 'kafka-restart',
    goal: 'the broker is SIGKILLed once Bronze has committed its first raw events while collect still publishes, back after 1 s → no raw event lost or applied twice',
    // Tushare answers slowly at first, so raw events are still being published when the broker dies.
    faults: [{ kind: 'latency', target: 'tushare', ms: 3000, count: 6 }],
    async during({ env, specs }) {
      // Mid-stream: once collect has published its first raw events (not while the engine connects).
      const bus = createBus({ type: 'kafka', brokers: env.brokers, clientId: 'argus-chaos-watch' });
      try {
        // Bronze's consumer has committed its first raw events: both the producer and the
        // consumer group are running (a broker dying while they connect is a different failure).
        await until(
          async () => {
            const done = await bus
              .committed(specs.names.group, specs.names.topic)
              .catch(() => new Map<number, string>());
            return [...done.values()].some((o) => Number(o) > 0);
          },
          'Bronze to commit its first raw events',
          120_000,
          50,
        );
      } finally {
        await bus.close();
      }
      const at = Date.now();
      await restart('kafka', { hard: true, pauseMs: 1000 });
      return { faultAt: at, backAt: Date.now() };
    },
    measure({ hook }) {
      const at = num(hook?.faultAt);
      const back = num(hook?.backAt);
      return {
        recoveryMs: at !== undefined && back !== undefined ? back - at : undefined,
        note: hook?.hookError
          ? `restart failed: ${String(hook.hookError)}`
          : 'recovery = broker serving again; the engine has no broker health signal',
      };
    },
  },
  {
    name: 'redis-restart',
    label: 'redis-restart',
    goal: 'the quota Redis is SIGKILLed during collect, back after 1.5 s (no persistence) → local budget, then state_lost/resync; Gold complete',
    lineageMayDiffer: true,
    async during({ sim }) {
      await until(() => sim.stats.tushare.requests >= 1, 'the first Tushare request');
      const at = Date.now();
      await restart('redis', { hard: true, pauseMs: 1500 });
      return { faultAt: at, backAt: Date.now() };
    },
    measure({ obs, hook }) {
      const at = num(hook?.faultAt);
      const back = num(hook?.backAt);
      if (at === undefined)
        return { note: `no restart${hook?.hookError ? `: ${String(hook.hookError)}` : ''}` };
      const seen = obs.quota.find(
        (e) => e.at >= at && ['degraded', 'state_lost', 'exhausted'].includes(e.type),
      );
      const resync = obs.quotaEvent('resynced', at);
      return {
        detectionMs: seen ? seen.at - at : undefined,
        recoveryMs: resync ? resync.at - at : back !== undefined ? back - at : undefined,
        note: `${seen ? `first quota event ${seen.type}` : 'no quota event (no Tushare call during the outage)'}; recovery = ${resync ? 'resynced' : 'Redis serving again'}`,
      };
    },
  },
];

/**
 * `failover`: a source that serves data from the first healthy source of a priority list, e.g.
 * market data from miniQMT (primary) and Tushare (backup). It consults the shared `health` backend
 * before each read, fails over to the next source when the current one errors, times out or stalls,
 * and switches back once the primary's probe succeeds. Every switch is logged with its timings;
 * emissions carry `meta.failover.source` and, if configured, a lineage field on every record.
 *
 * See docs/resilience.md for how the collect pipeline uses it.
 */
import { defineOperator, type Emission, type Source } from '../../engine/api/index.ts';
import { classifyError, quotaHoldMs } from '../lib/failover/classify.ts';
import { checkSourceType, loadSource } from '../lib/failover/load-source.ts';
import { describeStates, pickSource } from '../lib/failover/select.ts';
import { withStallTimeout } from '../lib/failover/stall.ts';
import { SwitchLog } from '../lib/failover/switch-log.ts';
import type { HealthBackend, QuotaEvents, SourceHealthLike } from '../lib/failover/types.ts';

interface ChildConfig {
  name: string;
  type: string;
  config?: Record<string, unknown>;
  /**
   * Quota endpoints whose exhaustion holds this source unavailable until the quota resets, or
   * `market_data` for the QuotaPolicy's `market_data_endpoints`.
   */
  quota_endpoints?: string[] | 'market_data';
}

interface Config {
  sources: ChildConfig[];
  health?: {
    degrade_after?: number;
    unavailable_after?: number;
    recover_after?: number;
    probe_after_ms?: number;
    probe_successes?: number;
    slow_ms?: number;
  };
  stall_timeout_ms?: number;
  probe?: { source: string; url: string; interval_ms?: number; timeout_ms?: number };
  lineage_field?: string;
}

const count = { type: 'integer', minimum: 1 };

export default defineOperator<Config>({
  type: 'failover',
  role: 'source',
  description:
    'Reads from the first usable source of a priority list (health state machine: healthy → degraded → unavailable → probing), ' +
    'fails over on errors, timeouts and stalls, switches back after a successful probe; logs each switch with timings.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['sources'],
    properties: {
      sources: {
        type: 'array',
        minItems: 2,
        description: 'Sources in priority order.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'type'],
          properties: {
            name: { type: 'string', minLength: 1, description: 'Health/lineage name, e.g. miniQMT.' },
            type: { type: 'string', description: 'A source operator type, e.g. qmt_agent.' },
            config: { type: 'object', description: "The child source's config." },
            quota_endpoints: {
              oneOf: [{ type: 'array', items: { type: 'string' } }, { const: 'market_data' }],
              description:
                "Quota endpoints whose exhaustion holds this source, or market_data (the policy's market_data_endpoints).",
            },
          },
        },
      },
      health: {
        type: 'object',
        additionalProperties: false,
        properties: {
          degrade_after: count,
          unavailable_after: count,
          recover_after: count,
          probe_after_ms: { type: 'integer', minimum: 0 },
          probe_successes: count,
          slow_ms: { type: 'integer', minimum: 1 },
        },
      },
      stall_timeout_ms: {
        type: 'integer',
        minimum: 1,
        default: 60000,
        description: 'No emission for this long = timeout.',
      },
      probe: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'url'],
        description: "Poll a source's health endpoint (e.g. the QMT agent's /health).",
        properties: {
          source: { type: 'string' },
          url: { type: 'string', pattern: '^https?://' },
          interval_ms: { type: 'integer', minimum: 100 },
          timeout_ms: { type: 'integer', minimum: 50 },
        },
      },
      lineage_field: {
        type: 'string',
        description: 'Set this field of every record to the serving source name.',
      },
    },
  },
  examples: [
    {
      title: 'Market data from miniQMT, Tushare as backup',
      config: {
        sources: [
          {
            name: 'miniQMT',
            type: 'qmt_agent',
            config: { base_url: '${env:QMT_AGENT_URL}', dataset: 'daily' },
          },
          { name: 'Tushare', type: 'tushare', config: { datasets: ['daily'] }, quota_endpoints: ['daily'] },
        ],
        health: { unavailable_after: 2, probe_after_ms: 30000 },
        probe: { source: 'miniQMT', url: 'http://127.0.0.1:8000/health', interval_ms: 5000 },
      },
    },
  ],
  create(config, ctx) {
    const names = config.sources.map((s) => s.name);
    if (new Set(names).size !== names.length)
      throw new Error(`failover ${ctx.node}: source names must be unique (${names.join(', ')})`);
    config.sources.forEach((s, i) => checkSourceType(s.type, `failover ${ctx.node}: /sources/${i}/type`));
    if (config.probe && !names.includes(config.probe.source)) {
      throw new Error(
        `failover ${ctx.node}: /probe/source "${config.probe.source}" is not one of ${names.join(', ')}`,
      );
    }
    const h = config.health ?? {};
    const healthOpts = {
      degradeAfter: h.degrade_after,
      unavailableAfter: h.unavailable_after,
      recoverAfter: h.recover_after,
      probeAfterMs: h.probe_after_ms,
      probeSuccesses: h.probe_successes,
      slowMs: h.slow_ms,
    };
    const stallMs = config.stall_timeout_ms ?? 60_000;
    const children: (Source | undefined)[] = [];
    const started = new Set<number>();
    const cleanups: (() => void)[] = [];
    let healths: SourceHealthLike[] = [];
    let log: SwitchLog;

    const annotate = (e: Emission, source: string, probe: boolean): Emission => ({
      ...e,
      // Dead letters keep their own shape; only data records get the lineage field.
      records:
        config.lineage_field && (e.port ?? 'out') !== 'error'
          ? e.records.map((r) => ({ ...r, [config.lineage_field!]: source }))
          : e.records,
      meta: { ...e.meta, failover: { node: ctx.node, source, probe } },
    });

    return {
      kind: 'source',
      async start() {
        const backend = ctx.backend<HealthBackend & { probe?: (n: string, o: object) => () => void }>(
          'health',
        );
        healths = config.sources.map((s) => backend.get(s.name, healthOpts));
        log = new SwitchLog(ctx, names);
        for (let i = 0; i < config.sources.length; i++) {
          const s = config.sources[i];
          children[i] = await loadSource(s.type, s.config, ctx, `failover ${ctx.node}: /sources/${i}`);
        }
        if (config.probe) {
          if (!backend.probe)
            throw new Error(`failover ${ctx.node}: the health backend cannot poll health endpoints`);
          const p = config.probe;
          cleanups.push(
            backend.probe(p.source, { url: p.url, intervalMs: p.interval_ms, timeoutMs: p.timeout_ms }),
          );
        }
        const holders = config.sources.filter(
          (s) => s.quota_endpoints === 'market_data' || s.quota_endpoints?.length,
        );
        if (holders.length) {
          let quota: QuotaEvents | undefined;
          try {
            quota = ctx.backend<QuotaEvents>('quota');
          } catch {
            ctx.logger.warn(
              `failover ${ctx.node}: no quota backend; quota exhaustion is noticed from errors only`,
            );
          }
          cleanups.push(
            quota?.onEvent((e) => {
              if (e.type !== 'exhausted' || !e.endpoint) return;
              for (const s of holders) {
                const mine =
                  s.quota_endpoints === 'market_data'
                    ? e.details?.marketData === true
                    : s.quota_endpoints!.includes(e.endpoint);
                if (!mine) continue;
                const until = Number(e.details?.resetsAt ?? Date.now() + 60_000);
                healths[names.indexOf(s.name)].hold(until, `quota of "${e.endpoint}" exhausted`);
              }
            }) ?? (() => {}),
          );
        }
      },
      async *read(signal) {
        const tried = new Set<number>();
        const errors: string[] = [];
        let previous: SourceHealthLike | undefined;
        for (;;) {
          const pick = pickSource(healths, tried);
          if (!pick) {
            throw new Error(
              `failover ${ctx.node}: no source can serve: ${describeStates(healths)}${errors.length ? `; errors: ${errors.join('; ')}` : ''}`,
            );
          }
          tried.add(pick.index);
          const h = healths[pick.index];
          const child = children[pick.index]!;
          const skipped = healths.slice(0, pick.index).map((x) => `${x.name} ${x.state}`);
          const reason = pick.probe
            ? `probing ${h.name}`
            : skipped.length
              ? skipped.join(', ')
              : `${h.name} is the primary`;
          const abort = new AbortController();
          const childSignal = AbortSignal.any([signal, abort.signal]);
          const t0 = Date.now();
          let first = true;
          // The health endpoint may learn of an outage before the call in flight does (the QMT agent
          // answers only after its own ~15 s timeout): give up on the call as soon as the source is
          // declared unavailable, instead of waiting for its timeout and retries.
          const stopWatching = h.onTransition((t) => {
            if (t.to !== 'unavailable' || abort.signal.aborted) return;
            const err = new Error(`${h.name} became unavailable while serving (${t.reason})`);
            err.name = 'UnavailableError';
            abort.abort(err);
          });
          try {
            if (!started.has(pick.index)) {
              await child.start?.();
              started.add(pick.index);
            }
            for await (const e of withStallTimeout(
              child.read(childSignal),
              stallMs,
              abort,
              `${h.name} (${config.sources[pick.index].type})`,
            )) {
              h.record({ ok: true, latencyMs: first ? Date.now() - t0 : undefined, via: 'call' });
              if (first) log.serving(h, reason, pick.probe, previous);
              first = false;
              yield annotate(e, h.name, pick.probe);
            }
            if (first) {
              h.record({ ok: true, latencyMs: Date.now() - t0, via: 'call' });
              log.serving(h, reason, pick.probe, previous);
            }
            return;
          } catch (err) {
            if (signal.aborted) return;
            const holdMs = quotaHoldMs(err);
            if (holdMs !== null) h.hold(Date.now() + holdMs, `quota exhausted: ${(err as Error).message}`);
            else h.record({ ...classifyError(err), via: 'call' });
            log.failed();
            previous = h;
            errors.push(`${h.name}: ${(err as Error).message}`);
            ctx.logger.warn(
              { source: h.name, state: h.state, err: (err as Error).message },
              `failover ${ctx.node}: ${h.name} failed`,
            );
          } finally {
            stopWatching();
          }
        }
      },
      async close() {
        for (const c of cleanups) c();
        for (const i of started) await children[i]?.close?.();
      },
    };
  },
});

/**
 * `QuotaPolicy`: daily and per-minute limits of a rate-limited API (Tushare Pro), the time zone of
 * the daily reset, the alert ratio, the local budget kept for store outages and a consumption budget.
 * Read by the quota manager (`engine/backends/quota`); see `policies/quotas.yaml` and docs/resilience.md.
 */
import { defineKind } from '../../engine/api/index.ts';

interface Spec {
  time_zone: string;
  points: number;
  rate_tiers: { min_points: number; per_minute: number | null }[];
  endpoints: Record<string, { daily_limit: number | null; per_minute?: number | null }>;
  market_data_endpoints?: string[];
}

const limit = { type: ['integer', 'null'], minimum: 0 };

export default defineKind<Spec>({
  kind: 'QuotaPolicy',
  description:
    'Per-endpoint daily limits and per-minute rates (by points tier) of an API, reset at midnight of a time zone; ' +
    'alert ratio, local budget for store outages, consumption budget.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['provider', 'time_zone', 'points', 'rate_tiers', 'endpoints', 'alert_ratio'],
    properties: {
      provider: {
        type: 'string',
        minLength: 1,
        description: 'API provider, e.g. tushare (default key prefix `<provider>:quota`).',
      },
      key_prefix: {
        type: 'string',
        minLength: 1,
        description: 'Redis key prefix; counters are `<prefix>:usage:<endpoint>`.',
      },
      time_zone: {
        type: 'string',
        minLength: 1,
        description: 'IANA zone whose midnight resets daily counters.',
      },
      points: { type: 'integer', minimum: 0, description: 'Account points; selects the rate tier.' },
      rate_tiers: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['min_points', 'per_minute'],
          properties: { min_points: { type: 'integer', minimum: 0 }, per_minute: { ...limit, minimum: 1 } },
        },
      },
      endpoints: {
        type: 'object',
        minProperties: 1,
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['daily_limit'],
          properties: { daily_limit: limit, per_minute: { ...limit, minimum: 1 } },
        },
      },
      default_daily_limit: limit,
      alert_ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      local_budget: {
        type: 'object',
        additionalProperties: false,
        properties: {
          fraction: {
            type: 'number',
            minimum: 0,
            maximum: 1,
            description: 'Share of the remaining daily limit reserved per process.',
          },
          max_calls: {
            type: 'integer',
            minimum: 0,
            description: 'Cap of one process reservation (lost if the process dies).',
          },
          rate_fraction: {
            type: 'number',
            exclusiveMinimum: 0,
            maximum: 1,
            description: 'Share of the per-minute rate used while the store is down.',
          },
        },
      },
      on_state_loss: { enum: ['assume_exhausted', 'keep'] },
      max_wait_ms: { type: 'integer', minimum: 0 },
      budget: {
        type: 'object',
        additionalProperties: false,
        properties: {
          daily_calls: limit,
          weekly_calls: limit,
          alert_ratio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        },
      },
      market_data_endpoints: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    },
  },
  check(doc) {
    const out: { pointer: string; message: string }[] = [];
    const s = doc.spec;
    try {
      new Intl.DateTimeFormat('en', { timeZone: s.time_zone });
    } catch {
      out.push({
        pointer: '/time_zone',
        message: `unknown time zone "${s.time_zone}" (use an IANA name such as Asia/Shanghai)`,
      });
    }
    const mins = s.rate_tiers.map((t) => t.min_points);
    if (new Set(mins).size !== mins.length)
      out.push({ pointer: '/rate_tiers', message: 'two tiers have the same min_points' });
    if (!s.rate_tiers.some((t) => s.points >= t.min_points)) {
      out.push({
        pointer: '/points',
        message: `points ${s.points} are below every rate tier (lowest ${Math.min(...mins)})`,
      });
    }
    (s.market_data_endpoints ?? []).forEach((e, i) => {
      if (!(e in s.endpoints))
        out.push({ pointer: `/market_data_endpoints/${i}`, message: `"${e}" is not listed under endpoints` });
    });
    return out;
  },
});

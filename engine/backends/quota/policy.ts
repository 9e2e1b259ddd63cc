/**
 * A `QuotaPolicy` document's `spec` (as written in YAML, validated by `operators/kinds/quota-policy.ts`)
 * and its translation into the manager's {@link QuotaConfig}.
 */
import type { QuotaConfig } from './types.ts';

export interface QuotaPolicySpec {
  provider: string;
  key_prefix?: string;
  time_zone: string;
  /** Account points; selects the per-minute rate from `rate_tiers`. */
  points: number;
  rate_tiers: { min_points: number; per_minute: number | null }[];
  endpoints: Record<string, { daily_limit: number | null; per_minute?: number | null }>;
  default_daily_limit?: number | null;
  alert_ratio: number;
  local_budget?: { fraction?: number; max_calls?: number; rate_fraction?: number };
  on_state_loss?: 'assume_exhausted' | 'keep';
  max_wait_ms?: number;
  budget?: { daily_calls?: number | null; weekly_calls?: number | null; alert_ratio?: number };
  market_data_endpoints?: string[];
}

/** Per-minute rate of `points` (highest tier whose `min_points` it reaches), or undefined below every tier. */
export function rateForPoints(
  spec: Pick<QuotaPolicySpec, 'points' | 'rate_tiers'>,
): number | null | undefined {
  const tier = [...spec.rate_tiers]
    .sort((a, b) => b.min_points - a.min_points)
    .find((t) => spec.points >= t.min_points);
  return tier ? tier.per_minute : undefined;
}

/**
 * @example
 * const config = quotaConfigFromSpec('tushare', doc.spec);
 * config.endpoints.daily // { daily: 20000, perMinute: 200 }  (points 2000)
 */
export function quotaConfigFromSpec(name: string, spec: QuotaPolicySpec): QuotaConfig {
  const rate = rateForPoints(spec);
  if (rate === undefined) {
    throw new Error(
      `QuotaPolicy "${name}": points ${spec.points} are below every rate tier (lowest ${Math.min(...spec.rate_tiers.map((t) => t.min_points))})`,
    );
  }
  const endpoints = Object.fromEntries(
    Object.entries(spec.endpoints).map(([e, l]) => [
      e,
      { daily: l.daily_limit, perMinute: l.per_minute === undefined ? rate : l.per_minute },
    ]),
  );
  return {
    name,
    keyPrefix: spec.key_prefix ?? `${spec.provider}:quota`,
    timeZone: spec.time_zone,
    endpoints,
    defaults: { daily: spec.default_daily_limit ?? null, perMinute: rate },
    alertRatio: spec.alert_ratio,
    localBudget: {
      fraction: spec.local_budget?.fraction ?? 0.05,
      maxCalls: spec.local_budget?.max_calls ?? 200,
      rateFraction: spec.local_budget?.rate_fraction ?? 0.5,
    },
    onStateLoss: spec.on_state_loss ?? 'assume_exhausted',
    maxWaitMs: spec.max_wait_ms ?? 65_000,
    budget: {
      dailyCalls: spec.budget?.daily_calls ?? null,
      weeklyCalls: spec.budget?.weekly_calls ?? null,
      alertRatio: spec.budget?.alert_ratio ?? 0.9,
    },
    marketDataEndpoints: spec.market_data_endpoints ?? [],
  };
}

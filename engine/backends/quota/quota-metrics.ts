/** Prometheus metrics of a quota manager (dashboards: usage, consumption trend, store health). */
import type { Metrics } from '../../api/index.ts';
import type { QuotaConfig, QuotaEvent } from './types.ts';

export type CallOutcome = 'granted' | 'reserved' | 'local' | 'throttled' | 'exhausted';

export class QuotaMetrics {
  private readonly policy: string;
  constructor(
    private readonly m: Metrics,
    private readonly config: QuotaConfig,
  ) {
    this.policy = config.name;
    const limit = m.gauge('argus_quota_limit', 'Daily call limit per endpoint', ['policy', 'endpoint']);
    for (const [endpoint, l] of Object.entries(config.endpoints))
      if (l.daily !== null) limit.set({ policy: this.policy, endpoint }, l.daily);
  }

  call(endpoint: string, outcome: CallOutcome): void {
    this.m
      .counter('argus_quota_calls_total', 'Quota decisions by endpoint and outcome', [
        'policy',
        'endpoint',
        'outcome',
      ])
      .inc({ policy: this.policy, endpoint, outcome });
  }

  used(endpoint: string, used: number): void {
    this.m
      .gauge('argus_quota_used', 'Calls counted today (shared counter, incl. reservations)', [
        'policy',
        'endpoint',
      ])
      .set({ policy: this.policy, endpoint }, used);
    const limit = this.config.endpoints[endpoint]?.daily;
    if (limit) {
      this.m
        .gauge('argus_quota_usage_ratio', 'Share of the daily limit used', ['policy', 'endpoint'])
        .set({ policy: this.policy, endpoint }, used / limit);
    }
  }

  localBudget(endpoint: string, remaining: number): void {
    this.m
      .gauge('argus_quota_local_budget', 'Reserved calls this process may spend without the store', [
        'policy',
        'endpoint',
      ])
      .set({ policy: this.policy, endpoint }, remaining);
  }

  backendUp(up: boolean): void {
    this.m
      .gauge('argus_quota_store_up', '1 when the shared quota store is reachable', ['policy'])
      .set({ policy: this.policy }, up ? 1 : 0);
  }

  event(e: QuotaEvent): void {
    this.m
      .counter('argus_quota_events_total', 'Quota events by type and level', ['policy', 'type', 'level'])
      .inc({ policy: this.policy, type: e.type, level: e.level });
  }

  consumption(period: 'day' | 'week', calls: number, ratio: number | null): void {
    this.m
      .gauge('argus_quota_consumption_calls', 'Calls consumed in the period (all endpoints)', [
        'policy',
        'period',
      ])
      .set({ policy: this.policy, period }, calls);
    if (ratio !== null)
      this.m
        .gauge('argus_quota_budget_ratio', 'Consumption / budget of the period', ['policy', 'period'])
        .set({ policy: this.policy, period }, ratio);
  }
}

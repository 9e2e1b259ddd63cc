/**
 * The quota manager's public shapes. A quota manager guards calls to a rate- and day-limited API
 * (Tushare Pro) across every process that shares one store: callers `acquire(endpoint)` before each
 * call; the manager either grants it (counted atomically), waits for the per-minute window, or throws
 * {@link QuotaExhaustedError}.
 */

/** What the Tushare adapter needs: called before every API call. */
export interface QuotaGate {
  /**
   * Grants one call to `endpoint` or throws {@link QuotaExhaustedError}. Waits (bounded) when only
   * the per-minute window is full.
   */
  acquire(endpoint: string, opts?: { signal?: AbortSignal }): Promise<void>;
}

/** Limits of one endpoint; `null` = unlimited in that dimension. */
export interface EndpointLimits {
  daily: number | null;
  perMinute: number | null;
}

/** Resolved, engine-level quota configuration (see `policy.ts` for the YAML → config mapping). */
export interface QuotaConfig {
  /** Policy name (metric label, event field). */
  name: string;
  /** Redis key prefix, e.g. `tushare:quota` → `tushare:quota:usage:<endpoint>`. */
  keyPrefix: string;
  /** IANA time zone whose midnight resets the daily counters, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** Limits of endpoints named in the policy. */
  endpoints: Record<string, EndpointLimits>;
  /** Limits of any other endpoint. */
  defaults: EndpointLimits;
  /** Usage ratio (0–1) of a daily limit whose crossing raises a P1 alert. */
  alertRatio: number;
  /** Local budget kept for Redis outages: a share of the remaining daily limit, reserved in advance. */
  localBudget: { fraction: number; maxCalls: number; rateFraction: number };
  /** What to assume when the store lost its state (restart without persistence). */
  onStateLoss: 'assume_exhausted' | 'keep';
  /** Longest wait for a per-minute slot before giving up with a `minute` QuotaExhaustedError. */
  maxWaitMs: number;
  /** Consumption budget in calls (all endpoints); `null` = none. */
  budget: { dailyCalls: number | null; weeklyCalls: number | null; alertRatio: number };
  /** Endpoints whose exhaustion stops market-data collection from this provider. */
  marketDataEndpoints: string[];
}

export type QuotaScope = 'daily' | 'minute';

/**
 * Thrown by `acquire` when a call may not be made. `scope: 'daily'` lasts until the day resets
 * (`retryAfterMs` is the time to the boundary); `scope: 'minute'` means the per-minute window stayed
 * full for longer than `maxWaitMs`.
 */
export class QuotaExhaustedError extends Error {
  override readonly name = 'QuotaExhaustedError';
  /** Alert level a job failing on this error reports. */
  readonly level = 'P1';
  constructor(
    readonly endpoint: string,
    readonly scope: QuotaScope,
    readonly limit: number,
    readonly used: number,
    readonly retryAfterMs: number,
    readonly policy = 'quota',
    /** Why, when it is not the plain limit (e.g. the store is unreachable and the local budget is spent). */
    readonly reason?: string,
  ) {
    super(
      reason
        ? `quota "${policy}": endpoint "${endpoint}": ${reason}; retry in ${Math.ceil(retryAfterMs / 1000)} s`
        : scope === 'daily'
          ? `quota "${policy}": daily limit of endpoint "${endpoint}" exhausted (${used}/${limit}); resets in ${Math.ceil(retryAfterMs / 1000)} s`
          : `quota "${policy}": per-minute limit of endpoint "${endpoint}" (${limit}/min) still full after waiting; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}

/** Alert levels, as in the domain spec (P0 page … P3 drift). */
export type AlertLevel = 'P0' | 'P1' | 'P2' | 'P3';

/**
 * Something the quota manager wants the world to know. `alert: true` events are meant for alert
 * sinks (each fires once per crossing across all processes); the others are local signals (e.g. this
 * process saw the daily limit exhausted and should stop collecting market data from the provider).
 */
export interface QuotaEvent {
  type: 'threshold' | 'exhausted' | 'degraded' | 'resynced' | 'state_lost' | 'budget';
  level: AlertLevel;
  alert: boolean;
  policy: string;
  endpoint?: string;
  used?: number;
  limit?: number;
  /** Epoch ms (manager clock). */
  at: number;
  message: string;
  /** Extra facts: outage duration, budget period, ... */
  details?: Record<string, unknown>;
}

export type QuotaListener = (event: QuotaEvent) => void;

/** Usage of one endpoint for the current day. */
export interface EndpointUsage {
  endpoint: string;
  used: number;
  limit: number | null;
  ratio: number | null;
}

/**
 * The quota manager: every call to a limited API goes through {@link QuotaManager.acquire}.
 *
 * - Normal mode: one atomic check-and-increment in the shared store per call (Lua on Redis).
 * - Store unreachable: spend the local budget (calls reserved earlier, see `local-budget.ts`), raise a
 *   P2 alert, and resync as soon as the store is back.
 * - Store lost its state (restarted without persistence): detected by its epoch; by default every
 *   daily counter is assumed exhausted for the rest of the day, so the limit still holds.
 * - Crossing the alert ratio of a daily limit raises one P1 alert (only the process whose increment
 *   crossed it); reaching the limit raises one `exhausted` alert and a local `exhausted` signal in each
 *   process that is refused (the collect pipeline stops using the provider for market data).
 *
 * @example
 * const quota = new QuotaManager({ config, store: new RedisStore({ url, keyPrefix: config.keyPrefix }) });
 * await quota.start();
 * quota.onEvent((e) => alerts.fire(e));
 * await quota.acquire('daily'); // throws QuotaExhaustedError when the day's calls are used up
 */
import type { Logger } from 'pino';
import type { Metrics } from '../../api/index.ts';
import { checkBudget } from './cost.ts';
import { dayWindow } from './day-window.ts';
import { LocalBudget } from './local-budget.ts';
import { StoreUnavailableError, type QuotaStore, type TakeResult } from './store.ts';
import { QuotaMetrics } from './quota-metrics.ts';
import { StoreSession } from './store-session.ts';
import { crossingEvents, exhaustedSignal } from './usage-events.ts';
import {
  QuotaExhaustedError,
  type EndpointLimits,
  type EndpointUsage,
  type QuotaConfig,
  type QuotaEvent,
  type QuotaGate,
  type QuotaListener,
} from './types.ts';

export interface QuotaManagerOptions {
  config: QuotaConfig;
  store: QuotaStore;
  /** Clock for day boundaries (ms). Default `Date.now`. */
  now?: () => number;
  /** Waits for a per-minute slot; injectable so tests need not sleep for a minute. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  metrics?: Metrics;
  logger?: Logger;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

export class QuotaManager implements QuotaGate {
  readonly config: QuotaConfig;
  private readonly store: QuotaStore;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly budget: LocalBudget;
  private readonly metrics?: QuotaMetrics;
  private readonly logger?: Logger;
  private readonly listeners = new Set<QuotaListener>();
  private readonly session: StoreSession;
  private budgetTimer?: NodeJS.Timeout;
  private starting?: Promise<void>;
  /** Endpoint → day (or outage) for which this process already signalled `exhausted`. */
  private readonly signalled = new Map<string, string>();

  constructor(opts: QuotaManagerOptions) {
    this.config = opts.config;
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? defaultSleep;
    this.budget = new LocalBudget(opts.config.localBudget);
    this.metrics = opts.metrics ? new QuotaMetrics(opts.metrics, opts.config) : undefined;
    this.logger = opts.logger;
    this.session = new StoreSession({
      store: this.store,
      config: this.config,
      budget: this.budget,
      now: this.now,
      emit: (e) => this.emit(e),
      counted: (endpoint, limits, r) => this.crossings(endpoint, limits, r),
      metrics: this.metrics,
      logger: this.logger,
    });
  }

  /**
   * Connects and reserves the local budget. Never throws for an unreachable store: starts degraded.
   * Idempotent; `acquire` calls it, so a manager made by a synchronous backend factory just works.
   */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    await this.session.open();
  }

  /** Refreshes the cost view and budget alert every `ms` (timer does not keep the process alive). */
  startBudgetChecks(ms: number): void {
    this.budgetTimer = setInterval(() => {
      if (this.session.mode === 'store')
        void checkBudget(this, this.now()).catch((err) =>
          this.logger?.warn({ err }, 'quota budget check failed'),
        );
    }, ms);
    this.budgetTimer.unref();
  }

  /** Gives unspent reserved calls back to the store and disconnects. */
  async close(): Promise<void> {
    if (this.budgetTimer) clearInterval(this.budgetTimer);
    if (this.starting) await this.starting.catch(() => {});
    await this.session.release(this.budget.drain());
    await this.store.close();
  }

  /** Subscribes to quota events (alert hook); returns the unsubscribe function. */
  onEvent(listener: QuotaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `store` normally, `local` while running on the local budget. */
  get backendMode(): 'store' | 'local' {
    return this.session.mode;
  }

  limitsOf(endpoint: string): EndpointLimits {
    return this.config.endpoints[endpoint] ?? this.config.defaults;
  }

  /** Reserved calls this process may still spend on `endpoint` today without the store. */
  localRemaining(endpoint: string): number {
    return this.budget.remaining(endpoint, dayWindow(this.now(), this.config.timeZone).day);
  }

  async acquire(endpoint: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    await this.start();
    const limits = this.limitsOf(endpoint);
    const deadline = this.now() + this.config.maxWaitMs;
    let reserved = false; // true once the shared counter is exhausted and we fall back to our reservation
    for (;;) {
      opts.signal?.throwIfAborted();
      const now = this.now();
      const { day, endsAt } = dayWindow(now, this.config.timeZone);
      if (this.session.mode === 'local' && !(await this.session.resync())) {
        const wait = this.takeLocal(endpoint, limits, day, endsAt - now);
        if (wait === 0) return;
        await this.waitOrGiveUp(endpoint, limits, wait, deadline, opts.signal);
        continue;
      }
      if (reserved && this.budget.remaining(endpoint, day) <= 0) reserved = false;
      let r: TakeResult;
      try {
        const req = {
          endpoint,
          n: 1,
          daily: limits.daily,
          perMinute: limits.perMinute,
          day,
          msToDayEnd: endsAt - now,
        };
        r = await this.session.take({ ...req, partial: false, countDaily: !reserved });
      } catch (err) {
        if (!(err instanceof StoreUnavailableError)) throw err;
        this.session.enterLocal(err);
        continue;
      }
      if (r.status === 'minute') {
        this.metrics?.call(endpoint, 'throttled');
        await this.waitOrGiveUp(endpoint, limits, r.retryMs, deadline, opts.signal);
        continue;
      }
      if (r.status === 'daily') {
        if (this.budget.remaining(endpoint, day) > 0) {
          reserved = true;
          continue;
        }
        this.metrics?.call(endpoint, 'exhausted');
        this.signalExhausted(endpoint, day, endsAt, limits.daily ?? 0);
        throw new QuotaExhaustedError(
          endpoint,
          'daily',
          limits.daily ?? 0,
          r.after,
          endsAt - now,
          this.config.name,
        );
      }
      if (reserved) {
        this.budget.spend(endpoint, day);
        this.metrics?.call(endpoint, 'reserved');
      } else {
        this.metrics?.call(endpoint, 'granted');
        this.crossings(endpoint, limits, r);
        try {
          await this.session.topUp(endpoint, limits, day, endsAt - now, r.after);
        } catch (err) {
          // The call itself was granted; only the reservation failed.
          if (!(err instanceof StoreUnavailableError)) throw err;
          this.session.enterLocal(err);
        }
      }
      this.metrics?.localBudget(endpoint, this.budget.remaining(endpoint, day));
      return;
    }
  }

  /** Today's usage of the configured endpoints (from the store). */
  async usage(): Promise<EndpointUsage[]> {
    const endpoints = Object.keys(this.config.endpoints);
    const used = await this.store.usage(endpoints);
    return endpoints.map((endpoint) => {
      const limit = this.limitsOf(endpoint).daily;
      return {
        endpoint,
        used: used[endpoint] ?? 0,
        limit,
        ratio: limit ? (used[endpoint] ?? 0) / limit : null,
      };
    });
  }

  /** Publishes the cost view's consumption (see `cost.ts`). */
  recordConsumption(today: number, dayRatio: number | null, week: number, weekRatio: number | null): void {
    this.metrics?.consumption('day', today, dayRatio);
    this.metrics?.consumption('week', week, weekRatio);
  }

  /** The store, for the cost view. */
  get storeRef(): QuotaStore {
    return this.store;
  }

  /** Emits an event to every listener; listener errors are logged, never thrown at the caller. */
  emit(event: Omit<QuotaEvent, 'policy' | 'at'>): void {
    const e: QuotaEvent = { ...event, policy: this.config.name, at: this.now() };
    this.metrics?.event(e);
    this.logger?.[e.alert ? 'warn' : 'info']({ quotaEvent: e }, e.message);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.logger?.error({ err }, 'quota event listener failed');
      }
    }
  }

  // ---- local budget -------------------------------------------------------------------------

  /** One call on the local budget: 0 = granted, > 0 = wait that long; throws when none is left. */
  private takeLocal(endpoint: string, limits: EndpointLimits, day: string, msToDayEnd: number): number {
    if (limits.daily !== null && this.budget.remaining(endpoint, day) <= 0) {
      this.metrics?.call(endpoint, 'exhausted');
      // Not the day's limit: the store may be back in seconds, so the stop lasts 30 s at most
      // (signalled once per outage, so a real exhaustion later that day is still signalled).
      const retryMs = Math.min(msToDayEnd, 30_000);
      const why = 'the quota store is unreachable and the local budget (reserved calls) is used up';
      this.signalExhausted(
        endpoint,
        `local:${this.session.outageStartedAt}`,
        this.now() + retryMs,
        limits.daily,
        why,
      );
      throw new QuotaExhaustedError(
        endpoint,
        'daily',
        limits.daily,
        limits.daily,
        retryMs,
        this.config.name,
        why,
      );
    }
    const wait = this.budget.minuteWait(endpoint, limits.perMinute, this.now());
    if (wait > 0) return wait;
    if (limits.daily !== null) this.budget.spend(endpoint, day);
    this.metrics?.call(endpoint, 'local');
    this.metrics?.localBudget(endpoint, this.budget.remaining(endpoint, day));
    return 0;
  }

  private async waitOrGiveUp(
    endpoint: string,
    limits: EndpointLimits,
    ms: number,
    deadline: number,
    signal?: AbortSignal,
  ) {
    const left = deadline - this.now();
    if (left <= 0 || ms > left) {
      throw new QuotaExhaustedError(
        endpoint,
        'minute',
        limits.perMinute ?? 0,
        limits.perMinute ?? 0,
        ms,
        this.config.name,
      );
    }
    await this.sleep(ms, signal);
  }

  // ---- alerts ------------------------------------------------------------------------------------

  /** Fires the threshold/exhausted alerts when this increment crossed them (exactly one process does). */
  private crossings(endpoint: string, limits: EndpointLimits, r: { before: number; after: number }): void {
    this.metrics?.used(endpoint, r.after);
    if (limits.daily === null) return;
    const resetsAt = dayWindow(this.now(), this.config.timeZone).endsAt;
    for (const e of crossingEvents(this.config, endpoint, limits.daily, r.before, r.after, resetsAt))
      this.emit(e);
  }

  /** Local signal, once per endpoint and `key` (the day, or an outage) in this process: stop using the provider for it. */
  private signalExhausted(
    endpoint: string,
    key: string,
    resetsAt: number,
    limit: number,
    why?: string,
  ): void {
    if (this.signalled.get(endpoint) === key) return;
    this.signalled.set(endpoint, key);
    const day = dayWindow(this.now(), this.config.timeZone).day;
    this.emit(exhaustedSignal(this.config, endpoint, day, limit, limit, resetsAt, why));
  }
}

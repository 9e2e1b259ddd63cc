/**
 * The manager's link to the shared store: which epoch (store state) it is on, whether the store is
 * reachable (`store` mode) or the process runs on its local budget (`local` mode), resync after an
 * outage, recovery after a lost state, and the reservation top-ups.
 */
import type { Logger } from 'pino';
import { dayWindow } from './day-window.ts';
import type { LocalBudget } from './local-budget.ts';
import type { QuotaMetrics } from './quota-metrics.ts';
import { StoreUnavailableError, type QuotaStore, type TakeRequest, type TakeResult } from './store.ts';
import type { EndpointLimits, QuotaConfig } from './types.ts';
import { stateLostEvent, type NewEvent } from './usage-events.ts';

export interface SessionDeps {
  store: QuotaStore;
  config: QuotaConfig;
  budget: LocalBudget;
  now: () => number;
  emit: (e: NewEvent) => void;
  /** Called with every counter change this process caused (alerts on crossings). */
  counted: (endpoint: string, limits: EndpointLimits, r: { before: number; after: number }) => void;
  metrics?: QuotaMetrics;
  logger?: Logger;
}

export class StoreSession {
  private current: 'store' | 'local' = 'store';
  private epoch: string | null = null;
  private outageSince: number | null = null;
  private resyncing: Promise<boolean> | null = null;

  constructor(private readonly d: SessionDeps) {}

  get mode(): 'store' | 'local' {
    return this.current;
  }

  /** When the current outage began (null in store mode). */
  get outageStartedAt(): number | null {
    return this.outageSince;
  }

  /** Connects and reserves the local budget; an unreachable store means starting in local mode. */
  async open(): Promise<void> {
    this.d.store.onReconnect(() => void this.resync());
    try {
      await this.d.store.start();
      await this.sync();
      this.d.metrics?.backendUp(true);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.enterLocal(err);
    }
  }

  /** One atomic take on the current epoch (a lost state is recovered first). Throws StoreUnavailableError. */
  async take(req: Omit<TakeRequest, 'epoch'>): Promise<TakeResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await this.d.store.take({ ...req, epoch: this.epoch });
      if (r.status !== 'epoch') {
        this.epoch = r.epoch;
        return r;
      }
      await this.handleEpoch(r.epoch);
    }
    throw new Error(
      `quota store ${this.d.store.where}: its epoch keeps changing; is another tool rewriting ${this.d.config.keyPrefix}:epoch?`,
    );
  }

  /** Tops the endpoint's reservation up to its target (a share of what remains today). */
  async topUp(
    endpoint: string,
    limits: EndpointLimits,
    day: string,
    msToDayEnd: number,
    used: number,
  ): Promise<void> {
    if (limits.daily === null) return;
    const want = this.d.budget.shortfall(endpoint, day, limits.daily - used);
    if (want <= 0) return;
    const r = await this.take({
      endpoint,
      n: want,
      daily: limits.daily,
      perMinute: null,
      day,
      msToDayEnd,
      partial: true,
      countDaily: true,
    });
    if (r.status !== 'ok') return;
    this.d.budget.add(endpoint, day, r.granted);
    this.d.counted(endpoint, limits, r);
  }

  enterLocal(err: Error): void {
    this.d.metrics?.backendUp(false);
    if (this.current === 'local') return;
    this.current = 'local';
    this.outageSince = this.d.now();
    this.d.emit({
      type: 'degraded',
      level: 'P2',
      alert: true,
      message: `quota store ${this.d.store.where} unreachable (${err.message}); running on the local budget`,
      details: { store: this.d.store.where },
    });
  }

  /** Tries to leave local mode; true when the store is usable again. One attempt at a time. */
  resync(): Promise<boolean> {
    if (this.current === 'store') return Promise.resolve(true);
    if ((this.d.store as { ready?: boolean }).ready === false) return Promise.resolve(false);
    this.resyncing ??= (async () => {
      try {
        await this.sync();
        const outageMs = this.d.now() - (this.outageSince ?? this.d.now());
        this.current = 'store';
        this.outageSince = null;
        this.d.metrics?.backendUp(true);
        this.d.emit({
          type: 'resynced',
          level: 'P2',
          alert: true,
          message: `quota store ${this.d.store.where} is back after ${outageMs} ms; resynced`,
          details: { outageMs },
        });
        return true;
      } catch (err) {
        if (!(err instanceof StoreUnavailableError)) throw err;
        return false;
      } finally {
        this.resyncing = null;
      }
    })();
    return this.resyncing;
  }

  /** Gives unspent reservations back (only in store mode, same day and epoch). */
  async release(leases: { endpoint: string; day: string; n: number }[]): Promise<void> {
    if (this.current !== 'store' || !this.epoch) return;
    const { endsAt } = dayWindow(this.d.now(), this.d.config.timeZone);
    for (const l of leases)
      await this.d.store.release(l.endpoint, l.n, l.day, endsAt - this.d.now(), this.epoch).catch(() => {});
  }

  /** Validates the epoch and reserves the local budget of every configured endpoint. */
  private async sync(): Promise<void> {
    const now = this.d.now();
    const { day, endsAt } = dayWindow(now, this.d.config.timeZone);
    for (const [endpoint, limits] of Object.entries(this.d.config.endpoints)) {
      const probe = await this.take({
        endpoint,
        n: 0,
        daily: null,
        perMinute: null,
        day,
        msToDayEnd: endsAt - now,
        partial: true,
        countDaily: false,
      });
      await this.topUp(endpoint, limits, day, endsAt - now, probe.before);
      this.d.metrics?.localBudget(endpoint, this.d.budget.remaining(endpoint, day));
    }
  }

  /** The store has no epoch or another one: adopt it, or recover (see docs/resilience.md §3.3). */
  private async handleEpoch(storeEpoch: string): Promise<void> {
    const { config, store } = this.d;
    if (this.epoch === null && storeEpoch !== '') {
      this.epoch = storeEpoch; // first contact: adopt
      return;
    }
    if (storeEpoch !== '') {
      // Another process already noticed the loss and recovered atomically; adopt its epoch.
      this.d.emit(stateLostEvent(config, store.where, storeEpoch, false));
      this.epoch = storeEpoch;
      return;
    }
    const now = this.d.now();
    const { endsAt } = dayWindow(now, config.timeZone);
    const mode = this.epoch === null ? 'init' : config.onStateLoss;
    const limits = Object.entries(config.endpoints).map(([endpoint, l]) => ({
      endpoint,
      limit: l.daily,
      msToDayEnd: endsAt - now,
    }));
    const r = await store.recover(this.epoch, mode, limits);
    if (r.installed && mode !== 'init') {
      this.d.emit(stateLostEvent(config, store.where, r.epoch, true));
      if (mode === 'assume_exhausted') {
        for (const l of limits) {
          if (l.limit !== null)
            this.d.counted(
              l.endpoint,
              { daily: l.limit, perMinute: null },
              { before: r.before[l.endpoint] ?? 0, after: l.limit },
            );
        }
      }
    }
    this.epoch = r.epoch;
  }
}

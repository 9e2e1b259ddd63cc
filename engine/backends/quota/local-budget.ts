/**
 * The local budget: calls reserved in the shared store ahead of time, one reservation per endpoint
 * and day, spent only while the store is unreachable (or after the shared counter ran out).
 *
 * Why reserve in advance: a process that cannot reach Redis cannot know what the others spend. If it
 * only spends calls that were already counted in Redis when it reserved them, the sum over every
 * process can never pass the limit — with any number of processes and any outage length.
 */
import { MINUTE_MS } from './store.ts';

interface Lease {
  day: string;
  remaining: number;
}

export class LocalBudget {
  private readonly leases = new Map<string, Lease>();
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly opts: { fraction: number; maxCalls: number; rateFraction: number }) {}

  /** Reserved calls left for `endpoint` on `day` (a lease of another day is void). */
  remaining(endpoint: string, day: string): number {
    const l = this.leases.get(endpoint);
    return l && l.day === day ? l.remaining : 0;
  }

  /** How many more calls to reserve so the lease reaches its target for `remainingDaily` calls left. */
  shortfall(endpoint: string, day: string, remainingDaily: number): number {
    const target = Math.min(this.opts.maxCalls, Math.floor(this.opts.fraction * Math.max(0, remainingDaily)));
    return Math.max(0, target - this.remaining(endpoint, day));
  }

  /** Adds `n` reserved calls of `day`. */
  add(endpoint: string, day: string, n: number): void {
    const l = this.leases.get(endpoint);
    if (l && l.day === day) l.remaining += n;
    else this.leases.set(endpoint, { day, remaining: n });
  }

  /** Spends one reserved call; false when none is left. */
  spend(endpoint: string, day: string): boolean {
    const l = this.leases.get(endpoint);
    if (!l || l.day !== day || l.remaining <= 0) return false;
    l.remaining--;
    return true;
  }

  /** Unspent reservations (for release at shutdown), emptying the budget. */
  drain(): { endpoint: string; day: string; n: number }[] {
    const out = [...this.leases]
      .filter(([, l]) => l.remaining > 0)
      .map(([endpoint, l]) => ({ endpoint, day: l.day, n: l.remaining }));
    this.leases.clear();
    return out;
  }

  /**
   * Local per-minute limiter used while the store is unreachable: a share of the endpoint's rate,
   * since other processes are spending too. Returns 0 when a call may go now, else ms to wait.
   */
  minuteWait(endpoint: string, perMinute: number | null, now: number): number {
    if (perMinute === null) return 0;
    const cap = Math.max(1, Math.floor(perMinute * this.opts.rateFraction));
    const w = (this.windows.get(endpoint) ?? []).filter((t) => t > now - MINUTE_MS);
    this.windows.set(endpoint, w);
    if (w.length >= cap) return Math.max(1, w[0] + MINUTE_MS - now + 1);
    w.push(now);
    return 0;
  }
}

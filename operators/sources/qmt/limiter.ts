/**
 * Client-side sliding-window limiter for the QMT agent's per-IP limits (20/min, 300/h), kept in
 * step with the agent's `X-RateLimit-IP-Minute-*` headers: when the agent says nothing remains,
 * no request is sent before its Reset time. The agent rejects over-limit requests with a bare
 * 500, so the client must never rely on being told.
 *
 * @example
 * const lim = new RateLimiter({ perMinute: 20, perHour: 300 });
 * await lim.take(signal);        // waits for a free slot
 * lim.observe(response.headers); // follow the agent's own count
 */
import { sleep } from '../tushare/backoff.ts';

export interface RateLimiterOptions {
  perMinute?: number;
  perHour?: number;
  /** Length of the "minute" window (default 60 000; shorter only to test against a fast simulator). */
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class RateLimiter {
  private stamps: number[] = [];
  private blockedUntil = 0;
  private perMinute: number;
  private readonly configured: number;
  private readonly perHour: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Total time spent waiting, for reports. */
  waitedMs = 0;

  constructor(o: RateLimiterOptions = {}) {
    this.perMinute = this.configured = o.perMinute ?? 20;
    this.windowMs = o.windowMs ?? 60_000;
    this.perHour = o.perHour ?? 300;
    this.now = o.now ?? Date.now;
    this.wait = o.sleep ?? sleep;
  }

  /** How long until a request may be sent (0 = now). */
  delay(): number {
    const now = this.now();
    this.stamps = this.stamps.filter((t) => now - t < 3_600_000);
    let until = this.blockedUntil;
    const minute = this.stamps.filter((t) => now - t < this.windowMs);
    if (minute.length >= this.perMinute)
      until = Math.max(until, minute[minute.length - this.perMinute] + this.windowMs);
    if (this.stamps.length >= this.perHour)
      until = Math.max(until, this.stamps[this.stamps.length - this.perHour] + 3_600_000);
    return Math.max(0, until - now);
  }

  /** Waits for a slot, then records the request. */
  async take(signal?: AbortSignal): Promise<void> {
    for (let d = this.delay(); d > 0; d = this.delay()) {
      this.waitedMs += d;
      await this.wait(d + 5, signal);
    }
    this.stamps.push(this.now());
  }

  /** Follows the agent's headers (Limit, Remaining, Reset in epoch seconds). */
  observe(headers: Record<string, string | string[] | undefined>): void {
    const h = (k: string) => {
      const v = headers[k.toLowerCase()];
      return v === undefined ? undefined : Number(Array.isArray(v) ? v[0] : v);
    };
    const limit = h('X-RateLimit-IP-Minute-Limit');
    const remaining = h('X-RateLimit-IP-Minute-Remaining');
    const reset = h('X-RateLimit-IP-Minute-Reset');
    // The stricter of our own budget and the agent's announced limit.
    if (limit && Number.isFinite(limit) && limit > 0) this.perMinute = Math.min(this.configured, limit);
    if (remaining === 0 && reset && Number.isFinite(reset))
      this.blockedUntil = Math.max(this.blockedUntil, reset * 1000);
  }

  /** Blocks new requests for `ms` (after an ambiguous rejection). */
  backOff(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
  }

  /** Whether the last known state says the minute window is (nearly) used up. */
  nearLimit(): boolean {
    const now = this.now();
    return (
      this.blockedUntil > now ||
      this.stamps.filter((t) => now - t < this.windowMs).length >= this.perMinute - 1
    );
  }
}

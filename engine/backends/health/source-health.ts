/**
 * The health of one data source as a small state machine, driven by what callers observe (errors,
 * timeouts, successes, the source's own health endpoint) and by time:
 *
 * ```
 * healthy ──failure──▶ degraded ──more failures──▶ unavailable ──cooldown / health ok──▶ probing
 *    ▲                    │ successes                    ▲                                   │
 *    └────────────────────┘                              └──────────── probe failed ─────────┤
 *    ◀──────────────────────────────── probe successes ─────────────────────────────────────┘
 * ```
 *
 * Every transition is recorded with its timings (time in the previous state; for `unavailable`, the
 * detection time from the first failure of the streak), so a failover can be logged and measured.
 *
 * @example
 * const qmt = new SourceHealth('miniQMT', { unavailableAfter: 3, probeAfterMs: 10_000 });
 * qmt.record({ ok: false, kind: 'timeout' });
 * qmt.state; // 'degraded'
 */

export type HealthState = 'healthy' | 'degraded' | 'unavailable' | 'probing';

export type Observation =
  | { ok: true; latencyMs?: number; via?: 'call' | 'health' }
  | { ok: false; kind: 'error' | 'timeout' | 'server' | 'health'; message?: string; via?: 'call' | 'health' };

export interface HealthOptions {
  /** Consecutive failures that make a healthy source degraded. Default 1. */
  degradeAfter?: number;
  /** Consecutive failures that make it unavailable. Default 3. */
  unavailableAfter?: number;
  /** Consecutive successes that bring a degraded source back to healthy. Default 2. */
  recoverAfter?: number;
  /** Time in `unavailable` before probing. Default 10 s. */
  probeAfterMs?: number;
  /** Consecutive successful probes that make a probing source healthy. Default 1. */
  probeSuccesses?: number;
  /** A success slower than this counts as a sign of degradation. Default none. */
  slowMs?: number;
}

export interface Transition {
  source: string;
  from: HealthState;
  to: HealthState;
  /** Epoch ms. */
  at: number;
  reason: string;
  /** Time spent in `from`. */
  inPreviousMs: number;
  /** For → unavailable: first failure of the streak → now (detection time). */
  detectionMs?: number;
}

const defaults: Required<Omit<HealthOptions, 'slowMs'>> = {
  degradeAfter: 1,
  unavailableAfter: 3,
  recoverAfter: 2,
  probeAfterMs: 10_000,
  probeSuccesses: 1,
};

export class SourceHealth {
  private current: HealthState = 'healthy';
  private since: number;
  private failures = 0;
  private successes = 0;
  private firstFailureAt: number | null = null;
  private probeInFlight = false;
  private heldUntil = 0;
  private heldReason = '';
  private readonly opts: Required<Omit<HealthOptions, 'slowMs'>> & { slowMs?: number };
  private readonly listeners = new Set<(t: Transition) => void>();
  /** Transitions so far, oldest first (bounded). */
  readonly transitions: Transition[] = [];

  constructor(
    readonly name: string,
    opts: HealthOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.opts = {
      ...defaults,
      ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
    };
    if (this.opts.degradeAfter > this.opts.unavailableAfter)
      this.opts.degradeAfter = this.opts.unavailableAfter;
    this.since = now();
  }

  /** The state now (time-driven transitions — end of a hold, cooldown → probing — happen on read). */
  get state(): HealthState {
    const now = this.now();
    if (this.current === 'unavailable') {
      if (this.heldUntil > now) return this.current;
      if (this.heldUntil && this.heldUntil <= now) {
        this.heldUntil = 0;
        this.move('probing', `hold ended (${this.heldReason})`);
      } else if (now - this.since >= this.opts.probeAfterMs) {
        this.move('probing', `cooldown of ${this.opts.probeAfterMs} ms elapsed`);
      }
    }
    return this.current;
  }

  /** Healthy or degraded: send it traffic. */
  get usable(): boolean {
    const s = this.state;
    return s === 'healthy' || s === 'degraded';
  }

  /** Time the source entered its current state. */
  get enteredAt(): number {
    return this.since;
  }

  onTransition(listener: (t: Transition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * In `probing`, true for exactly one caller until that caller's outcome is recorded: the caller
   * sends one real request to the source as the probe.
   */
  tryProbe(): boolean {
    if (this.state !== 'probing' || this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Forces `unavailable` until `until` (e.g. quota exhausted until the day resets), then probing. */
  hold(until: number, reason: string): void {
    this.heldUntil = until;
    this.heldReason = reason;
    if (this.current !== 'unavailable') this.move('unavailable', reason);
  }

  /** Feeds one observation. */
  record(o: Observation): void {
    const state = this.state;
    this.probeInFlight = false;
    if (this.heldUntil > this.now()) return; // a hold is not lifted by observations
    if (o.ok) {
      const slow = this.opts.slowMs !== undefined && (o.latencyMs ?? 0) > this.opts.slowMs;
      this.failures = 0;
      this.firstFailureAt = null;
      if (slow && state === 'healthy') {
        this.move('degraded', `slow response (${o.latencyMs} ms > ${this.opts.slowMs} ms)`);
        return;
      }
      if (slow) return;
      this.successes++;
      if (state === 'degraded' && this.successes >= this.opts.recoverAfter)
        this.move('healthy', `${this.successes} consecutive successes`);
      else if (state === 'probing' && this.successes >= this.opts.probeSuccesses)
        this.move('healthy', `probe succeeded${o.via === 'health' ? ' (health endpoint)' : ''}`);
      else if (state === 'unavailable')
        this.move('probing', o.via === 'health' ? 'health endpoint answered' : 'a call succeeded');
      return;
    }
    this.successes = 0;
    this.failures++;
    this.firstFailureAt ??= this.now();
    const why = `${o.kind}${o.message ? `: ${o.message}` : ''}`;
    if (state === 'probing') this.move('unavailable', `probe failed (${why})`);
    else if (state === 'unavailable')
      this.since = this.now(); // restart the cooldown
    else if (this.failures >= this.opts.unavailableAfter)
      this.move('unavailable', `${this.failures} consecutive failures (last ${why})`);
    else if (state === 'healthy' && this.failures >= this.opts.degradeAfter) this.move('degraded', why);
  }

  private move(to: HealthState, reason: string): void {
    const now = this.now();
    const t: Transition = {
      source: this.name,
      from: this.current,
      to,
      at: now,
      reason,
      inPreviousMs: now - this.since,
    };
    if (to === 'unavailable' && this.firstFailureAt !== null) t.detectionMs = now - this.firstFailureAt;
    this.current = to;
    this.since = now;
    this.successes = 0;
    if (to === 'healthy') this.failures = 0;
    this.transitions.push(t);
    if (this.transitions.length > 200) this.transitions.shift();
    for (const l of this.listeners) l(t);
  }
}

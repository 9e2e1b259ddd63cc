/**
 * Quota counters in process memory: the embedded default (one process, no Redis). Same semantics as
 * the Lua scripts, so the manager behaves identically on both.
 */
import { randomUUID } from 'node:crypto';
import {
  MINUTE_MS,
  type QuotaStore,
  type RecoverResult,
  type TakeRequest,
  type TakeResult,
} from './store.ts';

interface Counter {
  value: number;
  expiresAt: number;
}

export class MemoryStore implements QuotaStore {
  readonly kind = 'memory';
  readonly where = 'memory';
  private readonly counters = new Map<string, Counter>();
  private readonly windows = new Map<string, number[]>();
  private readonly hist = new Map<string, number>();
  private readonly once = new Map<string, number>();
  private epochValue = randomUUID();

  /** @param now clock (ms), injectable for tests of day boundaries. */
  constructor(private readonly now: () => number = Date.now) {}

  async start(): Promise<void> {}
  async close(): Promise<void> {}
  onReconnect(): void {}

  private counter(endpoint: string): Counter | undefined {
    const c = this.counters.get(endpoint);
    if (c && c.expiresAt <= this.now()) {
      this.counters.delete(endpoint);
      return undefined;
    }
    return c;
  }

  async take(req: TakeRequest): Promise<TakeResult> {
    const epoch = this.epochValue;
    if (req.epoch !== null && req.epoch !== epoch)
      return { status: 'epoch', granted: 0, before: 0, after: 0, retryMs: 0, epoch };
    const now = this.now();
    const before = this.counter(req.endpoint)?.value ?? 0;
    let n = req.n;
    if (req.countDaily && req.daily !== null) {
      const room = req.daily - before;
      if (room <= 0 || (n > room && !req.partial))
        return { status: 'daily', granted: 0, before, after: before, retryMs: 0, epoch };
      n = Math.min(n, room);
    }
    if (req.perMinute !== null) {
      const w = (this.windows.get(req.endpoint) ?? []).filter((t) => t > now - MINUTE_MS);
      this.windows.set(req.endpoint, w);
      if (w.length + n > req.perMinute) {
        return {
          status: 'minute',
          granted: 0,
          before,
          after: before,
          retryMs: Math.max(1, (w[0] ?? now) + MINUTE_MS - now + 1),
          epoch,
        };
      }
      for (let i = 0; i < n; i++) w.push(now);
    }
    let after = before;
    if (req.countDaily) {
      const c = this.counter(req.endpoint) ?? { value: 0, expiresAt: now + req.msToDayEnd };
      c.value += n;
      after = c.value;
      this.counters.set(req.endpoint, c);
      const hk = `${req.endpoint}|${req.day}`;
      this.hist.set(hk, (this.hist.get(hk) ?? 0) + n);
    }
    return { status: 'ok', granted: n, before, after, retryMs: 0, epoch };
  }

  async release(endpoint: string, n: number, day: string, _ms: number, epoch: string): Promise<void> {
    const c = this.counter(endpoint);
    if (!c || epoch !== this.epochValue) return;
    const k = Math.min(n, c.value);
    c.value -= k;
    const hk = `${endpoint}|${day}`;
    this.hist.set(hk, Math.max(0, (this.hist.get(hk) ?? 0) - k));
  }

  async recover(): Promise<RecoverResult> {
    // Memory never loses its state while the process lives.
    return { epoch: this.epochValue, installed: false, before: {} };
  }

  async usage(endpoints: string[]): Promise<Record<string, number>> {
    return Object.fromEntries(endpoints.map((e) => [e, this.counter(e)?.value ?? 0]));
  }

  async history(endpoints: string[], days: string[]): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const e of endpoints) for (const d of days) (out[e] ??= {})[d] = this.hist.get(`${e}|${d}`) ?? 0;
    return out;
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const until = this.once.get(key);
    if (until !== undefined && until > now) return false;
    this.once.set(key, now + ttlMs);
    return true;
  }
}

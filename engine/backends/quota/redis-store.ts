/**
 * Quota counters in Redis (ioredis + Lua): shared by every process, atomic, with reconnection.
 *
 * Commands fail fast while disconnected (no offline queue, short command timeout) so that the
 * manager can switch to its local budget at once instead of stalling the collector.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RECOVER, RELEASE, TAKE } from './scripts.ts';
import {
  HISTORY_TTL_S,
  keys,
  MINUTE_MS,
  StoreUnavailableError,
  type QuotaStore,
  type RecoverResult,
  type TakeRequest,
  type TakeResult,
} from './store.ts';

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  /** Per-command timeout (ms); a hung server counts as unavailable. Default 1000. */
  commandTimeoutMs?: number;
}

type Scripted = Redis & {
  quotaTake(...args: (string | number)[]): Promise<(number | string)[]>;
  quotaRelease(...args: (string | number)[]): Promise<number>;
  quotaRecover(...args: (string | number)[]): Promise<(number | string)[]>;
};

// Errors that mean "the server is there but cannot serve right now", as opposed to a bug in a script.
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)/;

export class RedisStore implements QuotaStore {
  readonly kind = 'redis';
  readonly where: string;
  private readonly redis: Scripted;
  private readonly k;
  private readonly clientId = randomUUID().slice(0, 8);
  private seq = 0;
  private listeners: (() => void)[] = [];
  private everReady = false;

  constructor(private readonly opts: RedisStoreOptions) {
    const u = new URL(opts.url);
    this.where = `${u.protocol}//${u.hostname}:${u.port || 6379}`;
    this.k = keys(opts.keyPrefix);
    this.redis = new Redis(opts.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      // Keep reconnecting (bounded back-off): the manager resyncs when the server is back.
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    }) as Scripted;
    this.redis.defineCommand('quotaTake', { numberOfKeys: 4, lua: TAKE });
    this.redis.defineCommand('quotaRelease', { numberOfKeys: 3, lua: RELEASE });
    this.redis.defineCommand('quotaRecover', { lua: RECOVER });
    // Without a listener ioredis would print every connection error; the manager reports outages.
    this.redis.on('error', () => {});
    this.redis.on('ready', () => {
      if (this.everReady) for (const l of this.listeners) l();
      this.everReady = true;
    });
  }

  async start(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (err) {
      // Not fatal: the manager starts on its (empty) local budget and resyncs on the first 'ready'.
      this.everReady = true;
      throw new StoreUnavailableError(`quota store ${this.where} unreachable: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async close(): Promise<void> {
    this.listeners = [];
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  onReconnect(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** True while connected. */
  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as Error & { name?: string };
      if (e.name === 'ReplyError' && !TRANSIENT_REPLY.test(e.message)) {
        throw new Error(`quota store ${this.where}: ${what} failed: ${e.message}`, { cause: err });
      }
      throw new StoreUnavailableError(`quota store ${this.where}: ${what} failed: ${e.message}`, {
        cause: err,
      });
    }
  }

  async take(req: TakeRequest): Promise<TakeResult> {
    const r = await this.call('take', () =>
      this.redis.quotaTake(
        this.k.usage(req.endpoint),
        this.k.minute(req.endpoint),
        this.k.epoch,
        this.k.history(req.endpoint, req.day),
        req.n,
        req.daily ?? -1,
        req.perMinute ?? -1,
        Math.max(1, Math.floor(req.msToDayEnd)),
        req.epoch ?? '',
        `${this.clientId}:${++this.seq}`,
        req.partial ? 1 : 0,
        req.countDaily ? 1 : 0,
        HISTORY_TTL_S,
        MINUTE_MS,
      ),
    );
    const status = (['daily', 'ok', 'minute', 'epoch'] as const)[Number(r[0])];
    return {
      status,
      granted: Number(r[1]),
      before: Number(r[2]),
      after: Number(r[3]),
      retryMs: Number(r[4]),
      epoch: String(r[5]),
    };
  }

  async release(endpoint: string, n: number, day: string, msToDayEnd: number, epoch: string): Promise<void> {
    if (n <= 0) return;
    await this.call('release', () =>
      this.redis.quotaRelease(
        this.k.usage(endpoint),
        this.k.epoch,
        this.k.history(endpoint, day),
        n,
        epoch,
        Math.floor(msToDayEnd),
      ),
    );
  }

  async recover(
    knownEpoch: string | null,
    mode: 'assume_exhausted' | 'keep' | 'init',
    limits: { endpoint: string; limit: number | null; msToDayEnd: number }[],
  ): Promise<RecoverResult> {
    const keyList = [this.k.epoch, ...limits.map((l) => this.k.usage(l.endpoint))];
    const args = [
      knownEpoch ?? '',
      randomUUID(),
      mode,
      ...limits.flatMap((l) => [l.limit ?? -1, Math.max(1, Math.floor(l.msToDayEnd))]),
    ];
    const r = await this.call('recover', () => this.redis.quotaRecover(keyList.length, ...keyList, ...args));
    const installed = Number(r[1]) === 1;
    const before: Record<string, number> = {};
    if (installed) limits.forEach((l, i) => (before[l.endpoint] = Number(r[2 + i])));
    return { epoch: String(r[0]), installed, before };
  }

  async usage(endpoints: string[]): Promise<Record<string, number>> {
    if (!endpoints.length) return {};
    const values = await this.call('usage', () => this.redis.mget(...endpoints.map((e) => this.k.usage(e))));
    return Object.fromEntries(endpoints.map((e, i) => [e, Number(values[i] ?? 0)]));
  }

  async history(endpoints: string[], days: string[]): Promise<Record<string, Record<string, number>>> {
    const pairs = endpoints.flatMap((e) => days.map((d) => [e, d] as const));
    if (!pairs.length) return {};
    const values = await this.call('history', () =>
      this.redis.mget(...pairs.map(([e, d]) => this.k.history(e, d))),
    );
    const out: Record<string, Record<string, number>> = {};
    pairs.forEach(([e, d], i) => ((out[e] ??= {})[d] = Number(values[i] ?? 0)));
    return out;
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const r = await this.call('claim', () =>
      this.redis.set(this.k.once(key), '1', 'PX', Math.max(1, Math.floor(ttlMs)), 'NX'),
    );
    return r === 'OK';
  }
}

/**
 * Where quota counters live. Two implementations with the same semantics: {@link RedisStore} (shared
 * by every process, atomic Lua) and {@link MemoryStore} (the embedded default for one process).
 */

export interface TakeRequest {
  endpoint: string;
  /** Calls wanted. */
  n: number;
  /** Daily limit, or null for none. */
  daily: number | null;
  /** Per-minute limit, or null for none (leases skip the window: they are not calls). */
  perMinute: number | null;
  /** Local day (`YYYY-MM-DD`) of the request, for the consumption history. */
  day: string;
  /** Milliseconds until that day ends in the policy's zone (TTL of a new counter). */
  msToDayEnd: number;
  /** Grant fewer than `n` when fewer remain (reserving a local budget) instead of refusing. */
  partial: boolean;
  /** Count against the daily counter (false when spending an already reserved local budget). */
  countDaily: boolean;
  /** Epoch the caller knows, or null to accept any existing one. */
  epoch: string | null;
}

export interface TakeResult {
  status: 'ok' | 'daily' | 'minute' | 'epoch';
  granted: number;
  /** Daily counter before and after this request. */
  before: number;
  after: number;
  /** For `minute`: ms until a slot frees. */
  retryMs: number;
  /** The store's current epoch ('' when it has none). */
  epoch: string;
}

export interface RecoverResult {
  epoch: string;
  /** True when this caller installed the epoch (and, if asked, raised the counters). */
  installed: boolean;
  /** Counters before the recovery, by endpoint (only when installed). */
  before: Record<string, number>;
}

/** Thrown by a store that cannot be reached; the manager falls back to its local budget. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface QuotaStore {
  readonly kind: 'redis' | 'memory';
  /** Human-readable location for messages (`redis://127.0.0.1:6390`). */
  readonly where: string;
  start(): Promise<void>;
  close(): Promise<void>;
  take(req: TakeRequest): Promise<TakeResult>;
  /** Gives back `n` unused reserved calls of the current day/epoch. */
  release(endpoint: string, n: number, day: string, msToDayEnd: number, epoch: string): Promise<void>;
  /**
   * Installs a new epoch when the store has none. `mode` says what to do with the counters of
   * `limits` (the store lost its state: assume exhausted, keep, or `init` for a first start).
   */
  recover(
    knownEpoch: string | null,
    mode: 'assume_exhausted' | 'keep' | 'init',
    limits: { endpoint: string; limit: number | null; msToDayEnd: number }[],
  ): Promise<RecoverResult>;
  /** Current daily counters. */
  usage(endpoints: string[]): Promise<Record<string, number>>;
  /** Consumption by endpoint and day (history survives the daily reset for 35 days). */
  history(endpoints: string[], days: string[]): Promise<Record<string, Record<string, number>>>;
  /** True for the first caller of `key` within `ttlMs` (dedupes alerts across processes). */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Called when a lost connection is back (the manager resyncs). */
  onReconnect(listener: () => void): void;
}

/** History counters outlive the day so that weekly/monthly cost views can be computed. */
export const HISTORY_TTL_S = 35 * 24 * 3600;
/** The per-minute window. */
export const MINUTE_MS = 60_000;

/** Key layout shared by the stores (documented in docs/resilience.md). */
export function keys(prefix: string) {
  return {
    usage: (endpoint: string) => `${prefix}:usage:${endpoint}`,
    minute: (endpoint: string) => `${prefix}:minute:${endpoint}`,
    history: (endpoint: string, day: string) => `${prefix}:history:${endpoint}:${day}`,
    epoch: `${prefix}:epoch`,
    once: (key: string) => `${prefix}:once:${key}`,
  };
}

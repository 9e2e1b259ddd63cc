/**
 * The quota hook of the Tushare adapter: `acquire(endpoint)` is called before every API call and
 * throws a {@link QuotaExhaustedError} when the call may not be made. The shared Redis-backed
 * implementation lives in the engine's quota backend; it satisfies this interface structurally.
 *
 * @example
 * const adapter = new TushareAdapter({ baseUrl, token, quota: ctx.backend<TushareQuota>('quota') });
 */

export interface TushareQuota {
  acquire(endpoint: string, opts?: { signal?: AbortSignal }): Promise<void>;
}

/** Thrown when the daily (or, after waiting, the per-minute) quota of an endpoint is used up. */
export class QuotaExhaustedError extends Error {
  override readonly name = 'QuotaExhaustedError';
  readonly level = 'P1';
  constructor(
    readonly endpoint: string,
    readonly scope: 'daily' | 'minute' = 'daily',
    message = `Tushare quota of endpoint "${endpoint}" exhausted (${scope})`,
  ) {
    super(message);
  }
}

/** True for this module's error and for any structurally equal one (e.g. the engine quota backend's). */
export function isQuotaExhausted(
  err: unknown,
): err is { name: 'QuotaExhaustedError'; endpoint: string; scope: 'daily' | 'minute'; message: string } {
  return err instanceof Error && err.name === 'QuotaExhaustedError';
}

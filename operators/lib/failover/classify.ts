/**
 * Turns an error thrown by a source into a health observation, and recognises a provider's daily
 * quota exhaustion (a `QuotaExhaustedError` of scope `daily`), which holds that source unavailable
 * until the quota resets instead of letting it be probed.
 */
import type { Observation } from './types.ts';

export function classifyError(err: unknown): Observation & { ok: false } {
  const e = err as { name?: string; message?: string; code?: string; status?: number; statusCode?: number };
  const message = String(e?.message ?? err).slice(0, 300);
  const status = e?.status ?? e?.statusCode;
  if (
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError' ||
    /time(d)?[ -]?out|ETIMEDOUT|UND_ERR_.*TIMEOUT/i.test(`${e?.code ?? ''} ${message}`)
  ) {
    return { ok: false, kind: 'timeout', message };
  }
  if ((typeof status === 'number' && status >= 500) || /\b5\d\d\b|Internal Server Error/.test(message))
    return { ok: false, kind: 'server', message };
  return { ok: false, kind: 'error', message };
}

/** Milliseconds until the quota resets when `err` is a daily quota exhaustion, else null. */
export function quotaHoldMs(err: unknown): number | null {
  const e = err as { name?: string; scope?: string; retryAfterMs?: number };
  if (e?.name === 'QuotaExhaustedError' && e.scope === 'daily')
    return Math.max(1000, Number(e.retryAfterMs ?? 60_000));
  return null;
}

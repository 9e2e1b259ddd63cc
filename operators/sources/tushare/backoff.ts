/**
 * Abortable sleep and jittered back-off delays, shared by the Tushare adapter and the QMT client.
 * Delays are injectable so tests run fast.
 *
 * @example
 * await sleep(jitter(1000, Math.random, 0.2), signal); // 800–1200 ms
 */

/** Sleeps `ms`, rejecting with the signal's reason if it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `base` spread by ±`spread` (a fraction) so that clients retrying together do not stay in step. */
export function jitter(base: number, random: () => number = Math.random, spread = 0.2): number {
  return Math.round(base * (1 - spread + 2 * spread * random()));
}

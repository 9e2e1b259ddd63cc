/**
 * Polls a source's health endpoint (e.g. the QMT agent's `GET /health`, no auth) and feeds the
 * answers into its {@link SourceHealth}. Answers: 2xx whose JSON body does not say otherwise = ok;
 * anything else, a connection error or no answer within the timeout = failure.
 *
 * @example
 * const stop = startProber(health.get('miniQMT'), { url: 'http://127.0.0.1:8000/health', intervalMs: 5000 });
 */
import type { SourceHealth } from './source-health.ts';

export interface ProberOptions {
  url: string;
  intervalMs?: number;
  timeoutMs?: number;
}

const BAD_STATUS = /^(unhealthy|down|error|fail(ed|ing)?|unavailable)$/i;

/** One probe: resolves to the observation it recorded. */
export async function probeOnce(health: SourceHealth, opts: ProberOptions): Promise<boolean> {
  const started = Date.now();
  try {
    const res = await fetch(opts.url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 2000) });
    const text = await res.text();
    let bad = !res.ok;
    try {
      const body = JSON.parse(text) as { status?: unknown; success?: unknown };
      if (body?.success === false || (typeof body?.status === 'string' && BAD_STATUS.test(body.status)))
        bad = true;
    } catch {
      // a plain-text health answer is fine when the status code is
    }
    if (bad)
      health.record({
        ok: false,
        kind: 'health',
        message: `${opts.url} answered ${res.status}`,
        via: 'health',
      });
    else health.record({ ok: true, latencyMs: Date.now() - started, via: 'health' });
    return !bad;
  } catch (err) {
    const e = err as Error;
    const timeout = e.name === 'TimeoutError';
    health.record({
      ok: false,
      kind: timeout ? 'timeout' : 'health',
      message: `${opts.url}: ${timeout ? 'no answer' : e.message}`,
      via: 'health',
    });
    return false;
  }
}

/** Starts polling; returns a stop function. The timer does not keep the process alive. */
export function startProber(health: SourceHealth, opts: ProberOptions): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (stopped) return;
    await probeOnce(health, opts);
    if (!stopped) {
      timer = setTimeout(tick, opts.intervalMs ?? 5000);
      timer.unref();
    }
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

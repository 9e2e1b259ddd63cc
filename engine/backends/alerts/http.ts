/**
 * JSON POST with a timeout and a few bounded retries (receivers must not hang a sink, nor give
 * up on the first network blip). Errors name the receiver and the URL, never headers (they may
 * carry credentials).
 */
export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  retries?: number;
  /** Base back-off between attempts (doubles each time). */
  backoffMs?: number;
}

export async function postJson(
  receiver: string,
  url: string,
  body: unknown,
  o: PostOptions = {},
): Promise<void> {
  const attempts = (o.retries ?? 2) + 1;
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, (o.backoffMs ?? 200) * 2 ** (i - 1)));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...o.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      });
      if (res.ok) {
        await res.arrayBuffer();
        return;
      }
      last = `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
      // A 4xx other than 429 will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 429) break;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
  }
  throw new Error(`alert receiver "${receiver}": POST ${url} failed: ${last}`);
}

/** Small protocol probes used as readiness/health checks. */
import { connect } from 'node:net';

/** Sends `PING` over RESP and resolves true on `+PONG`. */
export function redisPing(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    s.once('error', () => done(false));
  });
}

/** GET `url`; true on a 2xx (or one of `okStatus`). */
export async function httpOk(url: string, okStatus: number[] = [], timeoutMs = 1500): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await r.body?.cancel();
    return r.ok || okStatus.includes(r.status);
  } catch {
    return false;
  }
}

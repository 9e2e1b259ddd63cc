/** Free loopback ports, picked at run time (never assume a default port is free). */
import { createServer } from 'node:net';

/**
 * Asks the kernel for a free port on 127.0.0.1. There is a short window before the caller binds it;
 * the kernel hands out ephemeral ports round-robin, so a collision needs a very unlucky race.
 * @example const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolvePort(port) : reject(new Error('freePort: no port assigned'))));
    });
  });
}

/** Several distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

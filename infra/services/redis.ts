/** Redis 7 from Debian's `redis-server`, on a free loopback port, no persistence. */
import type { ServiceDefinition } from '../service.ts';
import { aptEnsure, aptInstalled } from '../lib/apt.ts';
import { argusDir } from '../lib/paths.ts';
import { freePort } from '../lib/ports.ts';
import { redisPing } from '../lib/probe.ts';
import { spawnDaemon, waitReady } from '../lib/process.ts';

const redis: ServiceDefinition = {
  name: 'redis',
  description: 'Redis 7 (Debian redis-server)',
  installed: () => aptInstalled('redis-server'),
  install: (ctx) => aptEnsure(['redis-server'], ctx.log, ctx.progress),

  async start(ctx) {
    const port = (ctx.previous?.port as number | undefined) ?? (await freePort());
    const dir = argusDir('redis');
    // Not daemonized by redis itself: the manager holds the real pid and redirects the output.
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--dir',
      dir,
    ];
    const daemon = spawnDaemon('redis-server', args, { log: ctx.log });
    await waitReady({ name: 'redis', daemon, log: ctx.log, probe: () => redisPing(port), timeoutMs: 20_000 });
    return { pid: daemon.pid, match: 'redis-server', port, endpoint: { url: `redis://127.0.0.1:${port}` } };
  },

  check: async (rec) => redisPing(rec.port as number),
};

export default redis;

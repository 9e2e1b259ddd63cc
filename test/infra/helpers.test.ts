/** A missing service fails with the command that fixes it (never a skip). */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { services } from '../helpers/services.ts';
import { resolveOrder } from '../../infra/manager.ts';

describe('services() helper', () => {
  let home: string;
  const saved = process.env.ARGUS_HOME;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'argus-home-'));
    process.env.ARGUS_HOME = home;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.ARGUS_HOME;
    else process.env.ARGUS_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('names the fix command when a service has no state file', () => {
    expect(() => services().kafka).toThrow(/service "kafka" is not running.*npm run services -- up kafka/);
    expect(() => services().vault).toThrow(/npm run services -- up openbao/);
  });

  it('reports a dead pid instead of handing out a stale endpoint', () => {
    mkdirSync(join(home, 'run'));
    const rec = {
      name: 'redis',
      pid: 2 ** 22 - 1,
      match: 'redis-server',
      port: 1,
      endpoint: { url: 'redis://127.0.0.1:1' },
      startedAt: '',
    };
    writeFileSync(join(home, 'run', 'redis.json'), JSON.stringify(rec));
    expect(() => services().redis).toThrow(/no longer running.*npm run services -- up redis/);
  });

  it('orders dependencies first (openbao needs the venv)', () => {
    expect(resolveOrder(['openbao']).map((s) => s.name)).toEqual(['venv', 'openbao']);
  });
});

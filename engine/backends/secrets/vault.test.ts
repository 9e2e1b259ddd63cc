import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { SecretError } from './types.ts';
import { VaultSecretsBackend, kvDataPath } from './vault.ts';

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('vault secrets backend (no server)', () => {
  it('maps a reference path to the KV v2 data path (mount = first segment)', () => {
    expect(kvDataPath('kv/argus/tushare')).toBe('kv/data/argus/tushare');
    expect(kvDataPath('/secret/a/b/c/')).toBe('secret/data/a/b/c');
    expect(() => kvDataPath('tushare')).toThrow(/needs a mount and a name/);
  });

  it('fails closed with an error naming the path when Vault is unreachable and nothing is cached', async () => {
    const addr = `http://127.0.0.1:${await closedPort()}`;
    const token = `t-${Date.now()}-never-printed`;
    const b = new VaultSecretsBackend({ type: 'vault', addr, auth: { method: 'token', token } });
    const e = (await b.read('kv/argus/tushare', 'token').catch((x: unknown) => x)) as SecretError;
    expect(e).toBeInstanceOf(SecretError);
    expect(e.reason).toBe('unreachable');
    expect(e.message).toBe(
      `vault at ${addr} is unreachable (ECONNREFUSED) reading secret kv/argus/tushare#token, and no cached value is younger than 60000 ms: failing closed`,
    );
    expect(JSON.stringify(e) + String(e.stack)).not.toContain(token);
    await b.close();
    await expect(b.read('kv/argus/tushare', 'token')).rejects.toThrow(/backend is closed/);
  });

  it('needs an address and credentials, and says which', async () => {
    const saved = {
      a: process.env.VAULT_ADDR,
      b: process.env.BAO_ADDR,
      t: process.env.VAULT_TOKEN,
      u: process.env.BAO_TOKEN,
    };
    delete process.env.VAULT_ADDR;
    delete process.env.BAO_ADDR;
    delete process.env.VAULT_TOKEN;
    delete process.env.BAO_TOKEN;
    try {
      expect(() => new VaultSecretsBackend({ type: 'vault', auth: { method: 'token' } })).toThrow(
        /no address.*VAULT_ADDR/,
      );
      const b = new VaultSecretsBackend({
        type: 'vault',
        addr: 'http://127.0.0.1:1',
        auth: { method: 'token' },
      });
      await expect(b.read('kv/a/b', 'k')).rejects.toThrow(
        'secret kv/a/b#k: vault secrets backend: token auth without a token (set auth.token or VAULT_TOKEN)',
      );
    } finally {
      for (const [k, v] of Object.entries({
        VAULT_ADDR: saved.a,
        BAO_ADDR: saved.b,
        VAULT_TOKEN: saved.t,
        BAO_TOKEN: saved.u,
      }))
        if (v !== undefined) process.env[k] = v;
    }
  });
});

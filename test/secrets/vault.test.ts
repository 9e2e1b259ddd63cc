/**
 * The vault secrets backend against the real OpenBao dev server: read, rotate, revoke, Vault
 * down (cache, then fail closed), wrong policy, token renewal, AppRole.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrub } from '../../engine/observability/redact.ts';
import {
  SecretError,
  VaultSecretsBackend,
  createSecretsBackend,
} from '../../engine/backends/secrets/index.ts';
import { services } from '../helpers/services.ts';
import { VaultAdmin, canary, privateOpenBao } from './vault-admin.ts';

/** Awaits a rejection and returns the SecretError. */
async function failure(p: Promise<unknown>): Promise<SecretError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SecretError);
  return e as SecretError;
}

describe('vault secrets backend (OpenBao)', () => {
  let admin: VaultAdmin;
  const run = `argus-${ulid().toLowerCase()}`; // this run's own secret prefix
  let readerToken: string;
  const backends: VaultSecretsBackend[] = [];
  const backend = (
    cfg: Partial<ConstructorParameters<typeof VaultSecretsBackend>[0]> & { token?: string },
  ) => {
    const b = new VaultSecretsBackend({
      type: 'vault',
      addr: services().vault.addr,
      auth: { method: 'token', token: cfg.token ?? readerToken },
      ...cfg,
    });
    backends.push(b);
    return b;
  };

  beforeAll(async () => {
    admin = new VaultAdmin(services().vault.addr, services().vault.token);
    await admin.readPolicy(`${run}-reader`, run);
    readerToken = await admin.createToken([`${run}-reader`]);
  });
  afterAll(async () => {
    for (const b of backends) await b.close();
  });

  it('reads a KV v2 field and registers it for log scrubbing', async () => {
    const value = canary();
    await admin.putSecret(`${run}/tushare`, { token: value, other: 'x' });
    const b = createSecretsBackend({
      type: 'vault',
      addr: services().vault.addr,
      auth: { method: 'token', token: readerToken },
    });
    try {
      expect(await b.read(`kv/${run}/tushare`, 'token')).toBe(value);
      expect(scrub(`GET /daily?token=${value}`)).toBe('GET /daily?token=[REDACTED]');
      const missing = await failure(b.read(`kv/${run}/tushare`, 'nope'));
      expect(missing.message).toBe(
        `secret kv/${run}/tushare in vault has no key "nope" (keys: other, token)`,
      );
      expect((await failure(b.read(`kv/${run}/absent`, 'token'))).reason).toBe('missing');
    } finally {
      await b.close();
    }
  });

  it('picks up a rotated value (new KV version) once the cache TTL passes, without restart', async () => {
    const [v1, v2] = [canary(), canary()];
    await admin.putSecret(`${run}/rotate`, { token: v1 });
    const b = backend({ cacheTtlMs: 400 });
    expect(await b.read(`kv/${run}/rotate`, 'token')).toBe(v1);
    await admin.putSecret(`${run}/rotate`, { token: v2 });
    expect(await b.read(`kv/${run}/rotate`, 'token')).toBe(v1); // still cached
    await sleep(500);
    expect(await b.read(`kv/${run}/rotate`, 'token')).toBe(v2);
  });

  it('stops using a revoked token: a clear error naming the path, not the value', async () => {
    const value = canary();
    await admin.putSecret(`${run}/revoke`, { token: value });
    const token = await admin.createToken([`${run}-reader`]);
    const b = backend({ token, cacheTtlMs: 200 });
    expect(await b.read(`kv/${run}/revoke`, 'token')).toBe(value);
    await admin.revokeToken(token);
    await sleep(250);
    const e = await failure(b.read(`kv/${run}/revoke`, 'token'));
    expect(e.reason).toBe('denied');
    expect(e.message).toContain(`secret kv/${run}/revoke#token`);
    expect(e.message).toMatch(/HTTP 403.*revoked or expired/);
    expect(e.message).not.toContain(value);
    expect(e.message).not.toContain(token);
  });

  it('a policy that does not cover the path is a 403 naming the path', async () => {
    await admin.putSecret(`${run}/qmt`, { api_key: canary() });
    await admin.readPolicy(`${run}-elsewhere`, `${run}-other`);
    const b = backend({ token: await admin.createToken([`${run}-elsewhere`]) });
    const e = await failure(b.read(`kv/${run}/qmt`, 'api_key'));
    expect(e.reason).toBe('denied');
    expect(e.message).toContain(`policy does not allow "read" on kv/data/${run}/qmt`);
  });

  it('renews its token before expiry (a 3 s token still works after 5 s)', async () => {
    const value = canary();
    await admin.putSecret(`${run}/renew`, { token: value });
    const token = await admin.createToken([`${run}-reader`], '3s');
    const b = backend({ token, cacheTtlMs: 100, renewFraction: 0.5 });
    expect(await b.read(`kv/${run}/renew`, 'token')).toBe(value);
    await sleep(5_000);
    expect(await b.read(`kv/${run}/renew`, 'token')).toBe(value);
    expect((await admin.lookupToken(token)).ttl).toBeGreaterThan(0);
  });

  it('logs in with AppRole, and revokes its own token on close', async () => {
    const value = canary();
    await admin.putSecret(`${run}/approle`, { token: value });
    const { roleId, secretId } = await admin.appRole(`${run}-role`, [`${run}-reader`]);
    const b = new VaultSecretsBackend({
      type: 'vault',
      addr: services().vault.addr,
      auth: { method: 'approle', roleId, secretId },
    });
    expect(await b.read(`kv/${run}/approle`, 'token')).toBe(value);
    const issued = (b as unknown as { client: { token: string } }).client.token;
    expect((await admin.lookupToken(issued)).ttl).toBeGreaterThan(0);
    await b.close();
    await expect(admin.lookupToken(issued)).rejects.toThrow(/HTTP 403|bad token|invalid/);
  });

  it('when Vault is down, serves the cache until its TTL, then fails closed', async () => {
    const bao = await privateOpenBao();
    try {
      const own = new VaultAdmin(bao.addr, bao.token);
      const value = canary();
      await own.putSecret('argus/down', { token: value });
      const b = new VaultSecretsBackend({
        type: 'vault',
        addr: bao.addr,
        auth: { method: 'token', token: bao.token },
        cacheTtlMs: 1_500,
      });
      backends.push(b);
      expect(await b.read('kv/argus/down', 'token')).toBe(value);
      await bao.stop();
      expect(await b.read('kv/argus/down', 'token')).toBe(value); // cache
      await sleep(1_600);
      const e = await failure(b.read('kv/argus/down', 'token'));
      expect(e.reason).toBe('unreachable');
      expect(e.message).toMatch(
        new RegExp(
          `vault at ${bao.addr} is unreachable \\(ECONNREFUSED\\) reading secret kv/argus/down#token.*failing closed`,
        ),
      );
      expect(e.message).not.toContain(value);
      expect(e.cause).toBeUndefined();
    } finally {
      await bao.stop();
    }
  });
});

/** Test-side administration of the OpenBao dev server (root token): policies, tokens, secrets. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openbao from '../../infra/services/openbao.ts';
import { stopPid } from '../../infra/lib/process.ts';

export class VaultAdmin {
  constructor(
    readonly addr: string,
    private readonly rootToken: string,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown, token = this.rootToken): Promise<T> {
    const r = await fetch(`${this.addr}/v1/${path}`, {
      method,
      headers: { 'X-Vault-Token': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Writes a KV v2 secret at `kv/<name>` (`name` without the mount). */
  putSecret(name: string, data: Record<string, string>): Promise<unknown> {
    return this.call('POST', `kv/data/${name}`, { data });
  }

  /** A read-only policy on `kv/data/<prefix>/*`. */
  async readPolicy(policyName: string, prefix: string): Promise<void> {
    await this.call('PUT', `sys/policies/acl/${policyName}`, {
      policy: `path "kv/data/${prefix}/*" { capabilities = ["read"] }`,
    });
  }

  /** A child token with the given policies (plus `default`, which allows lookup/renew-self). */
  async createToken(policies: string[], ttl = '10m', renewable = true): Promise<string> {
    const r = await this.call<{ auth: { client_token: string } }>('POST', 'auth/token/create', {
      policies,
      ttl,
      renewable,
      explicit_max_ttl: '1h',
    });
    return r.auth.client_token;
  }

  async revokeToken(token: string): Promise<void> {
    await this.call('POST', 'auth/token/revoke', { token });
  }

  async lookupToken(token: string): Promise<{ ttl: number }> {
    return (await this.call<{ data: { ttl: number } }>('POST', 'auth/token/lookup', { token })).data;
  }

  /** Enables AppRole (idempotent) and creates role `name`; returns its role id and a fresh secret id. */
  async appRole(name: string, policies: string[]): Promise<{ roleId: string; secretId: string }> {
    await this.call('POST', 'sys/auth/approle', { type: 'approle' }).catch((e: Error) => {
      if (!/path is already in use/.test(e.message)) throw e;
    });
    await this.call('POST', `auth/approle/role/${name}`, {
      token_policies: policies,
      token_ttl: '5m',
      token_max_ttl: '1h',
    });
    const roleId = (
      await this.call<{ data: { role_id: string } }>('GET', `auth/approle/role/${name}/role-id`)
    ).data.role_id;
    const secretId = (
      await this.call<{ data: { secret_id: string } }>('POST', `auth/approle/role/${name}/secret-id`, {})
    ).data.secret_id;
    return { roleId, secretId };
  }
}

/** A throw-away secret value shaped like nothing real. */
export const canary = (): string => `canary-${randomBytes(12).toString('hex')}`;

/**
 * A private OpenBao dev server for tests that stop it (the shared one stays up for others).
 * @example const bao = await privateOpenBao(); ...; await bao.stop();
 */
export async function privateOpenBao(): Promise<{ addr: string; token: string; stop(): Promise<void> }> {
  const log = join(mkdtempSync(join(tmpdir(), 'argus-bao-')), 'openbao.log');
  const rec = await openbao.start({ log, progress: () => undefined });
  return {
    addr: rec.endpoint.addr as string,
    token: rec.endpoint.token as string,
    stop: () => stopPid(rec.pid!, rec.match, 5_000),
  };
}

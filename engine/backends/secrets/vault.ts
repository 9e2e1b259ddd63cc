/**
 * The `vault` secrets backend (node-vault; Vault or OpenBao): token or AppRole auth, KV v2 reads,
 * token renewal before expiry, an in-memory cache with a TTL, and fail-closed behaviour.
 *
 * - A reference `${secret:kv/argus/tushare#token}` reads KV v2 mount `kv` (the first path
 *   segment), secret `argus/tushare`, field `token`, i.e. `GET /v1/kv/data/argus/tushare`.
 * - A fetched secret is served from memory for `cacheTtlMs`; after that it is fetched again, so a
 *   rotated value (new KV version) is picked up without a restart. If Vault cannot be reached
 *   past the TTL, reads fail (closed) with an error naming the path, never the value.
 * - A revoked or expired token, or a policy that does not allow the read, is a 403 → `SecretError`
 *   with reason `denied`. With AppRole the backend logs in again once before giving up.
 * - Errors never carry the HTTP client's error as `cause` (its request config holds the token).
 *
 * @example
 * const backend = new VaultSecretsBackend({ type: 'vault', addr: 'http://127.0.0.1:8200',
 *   auth: { method: 'approle', roleId: 'argus', secretId: process.env.VAULT_SECRET_ID } });
 * const token = await backend.read('kv/argus/tushare', 'token');
 */
import nodeVault from 'node-vault';
import { registerSecretValue } from '../../observability/redact.ts';
import { SecretError, type SecretsBackend, type VaultSecretsConfig } from './types.ts';

type Client = ReturnType<typeof nodeVault>;
type Data = Record<string, unknown>;

/** `kv/argus/tushare` → `kv/data/argus/tushare` (KV v2 data path; the mount is the first segment). */
export function kvDataPath(path: string): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  const i = clean.indexOf('/');
  if (i <= 0)
    throw new SecretError(
      `secret path "${path}" needs a mount and a name, e.g. kv/argus/tushare`,
      path,
      '',
      'invalid',
    );
  return `${clean.slice(0, i)}/data/${clean.slice(i + 1)}`;
}

const statusOf = (e: unknown): number | undefined =>
  (e as { response?: { statusCode?: number } }).response?.statusCode;

export class VaultSecretsBackend implements SecretsBackend {
  private readonly client: Client;
  private readonly addr: string;
  private readonly ttl: number;
  private readonly cache = new Map<string, { data: Data; at: number }>();
  private readonly inflight = new Map<string, Promise<Data>>();
  private auth?: Promise<void>;
  private renewTimer?: NodeJS.Timeout;
  /** True when the token came from our own AppRole login (so close() revokes it). */
  private ownToken = false;
  private closed = false;

  constructor(private readonly config: VaultSecretsConfig) {
    const addr = config.addr ?? process.env.VAULT_ADDR ?? process.env.BAO_ADDR;
    if (!addr)
      throw new Error('vault secrets backend: no address (set `addr` in the secrets config or VAULT_ADDR)');
    this.addr = addr.replace(/\/+$/, '');
    this.ttl = config.cacheTtlMs ?? 60_000;
    this.client = nodeVault({
      apiVersion: 'v1',
      endpoint: this.addr,
      // node-vault's debug output would print request bodies (an AppRole secret id): silence it.
      debug: () => undefined,
      rpDefaults: { timeout: config.requestTimeoutMs ?? 3_000 },
    } as Parameters<typeof nodeVault>[0]);
  }

  async read(path: string, key: string): Promise<string> {
    if (this.closed)
      throw new SecretError(
        `secret ${path}#${key}: the vault secrets backend is closed`,
        path,
        key,
        'invalid',
      );
    const hit = this.cache.get(path);
    const data = hit && Date.now() - hit.at < this.ttl ? hit.data : await this.fetchOnce(path, key);
    const value = data[key];
    if (value === undefined || value === null) {
      throw new SecretError(
        `secret ${path} in vault has no key "${key}" (keys: ${Object.keys(data).sort().join(', ') || 'none'})`,
        path,
        key,
        'missing',
      );
    }
    const s = typeof value === 'string' ? value : JSON.stringify(value);
    registerSecretValue(s);
    return s;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.renewTimer);
    this.cache.clear();
    if (this.ownToken) await this.client.tokenRevokeSelf().catch(() => undefined);
  }

  /** One request per path at a time, however many readers wait for it. */
  private fetchOnce(path: string, key: string): Promise<Data> {
    let p = this.inflight.get(path);
    if (!p) {
      p = this.fetch(path, key).finally(() => this.inflight.delete(path));
      this.inflight.set(path, p);
    }
    return p;
  }

  private async fetch(path: string, key: string, retried = false): Promise<Data> {
    const dataPath = kvDataPath(path);
    try {
      await this.authenticate();
      const res = (await this.client.read(dataPath)) as { data?: { data?: Data } };
      const data = res.data?.data;
      if (!data)
        throw new SecretError(
          `secret ${path}: vault answered without KV v2 data at ${dataPath} (is the mount KV version 2?)`,
          path,
          key,
          'invalid',
        );
      for (const v of Object.values(data)) if (typeof v === 'string') registerSecretValue(v);
      this.cache.set(path, { data, at: Date.now() });
      return data;
    } catch (e) {
      if (statusOf(e) === 403 && this.config.auth.method === 'approle' && !retried) {
        this.auth = undefined; // expired AppRole token: log in again, once
        return this.fetch(path, key, true);
      }
      throw this.translate(e, path, key, dataPath);
    }
  }

  private translate(e: unknown, path: string, key: string, dataPath: string): Error {
    const what = `secret ${path}#${key}`;
    if (e instanceof SecretError)
      return e.path ? e : new SecretError(`${what}: ${e.message}`, path, key, e.reason);
    const status = statusOf(e);
    if (status === 403) {
      return new SecretError(
        `vault denied reading ${what} (HTTP 403 permission denied at ${this.addr}/v1/${dataPath}): the token is revoked or expired, or its policy does not allow "read" on ${dataPath}`,
        path,
        key,
        'denied',
      );
    }
    if (status === 404)
      return new SecretError(
        `${what} not found in vault (${this.addr}/v1/${dataPath})`,
        path,
        key,
        'missing',
      );
    if (status)
      return new SecretError(
        `vault error reading ${what}: HTTP ${status} ${(e as Error).message}`,
        path,
        key,
        'invalid',
      );
    const code = (e as { code?: string }).code ?? (e as Error).message;
    return new SecretError(
      `vault at ${this.addr} is unreachable (${code}) reading ${what}, and no cached value is younger than ${this.ttl} ms: failing closed`,
      path,
      key,
      'unreachable',
    );
  }

  private authenticate(): Promise<void> {
    if (!this.auth) {
      this.auth = this.login().catch((e) => {
        this.auth = undefined;
        throw e;
      });
    }
    return this.auth;
  }

  private async login(): Promise<void> {
    const auth = this.config.auth;
    clearTimeout(this.renewTimer);
    if (auth.method === 'token') {
      const token = auth.token ?? process.env.VAULT_TOKEN ?? process.env.BAO_TOKEN;
      if (!token)
        throw new SecretError(
          'vault secrets backend: token auth without a token (set auth.token or VAULT_TOKEN)',
          '',
          '',
          'invalid',
        );
      this.client.token = token;
      registerSecretValue(token);
      const self = (await this.client.tokenLookupSelf()) as { data: { ttl: number; renewable: boolean } };
      this.scheduleRenewal(self.data.ttl, self.data.renewable);
      return;
    }
    const secretId = auth.secretId ?? process.env.VAULT_SECRET_ID;
    if (!secretId)
      throw new SecretError(
        'vault secrets backend: AppRole auth without a secret id (set auth.secretId or VAULT_SECRET_ID)',
        '',
        '',
        'invalid',
      );
    registerSecretValue(secretId);
    const res = (await this.client.approleLogin({
      role_id: auth.roleId,
      secret_id: secretId,
      mount_point: auth.mount,
    })) as {
      auth: { client_token: string; lease_duration: number; renewable: boolean };
    };
    this.client.token = res.auth.client_token;
    registerSecretValue(res.auth.client_token);
    this.ownToken = true;
    this.scheduleRenewal(res.auth.lease_duration, res.auth.renewable);
  }

  /** Renews the token when `renewFraction` of its TTL has passed; a failed renewal forces a new login (AppRole). */
  private scheduleRenewal(ttlSeconds: number, renewable: boolean): void {
    clearTimeout(this.renewTimer);
    if (!renewable || !ttlSeconds || this.closed) return;
    const delay = Math.max(250, ttlSeconds * 1000 * (this.config.renewFraction ?? 0.66));
    this.renewTimer = setTimeout(() => {
      this.client
        .tokenRenewSelf()
        .then((r: { auth: { lease_duration: number; renewable: boolean } }) =>
          this.scheduleRenewal(r.auth.lease_duration, r.auth.renewable),
        )
        .catch(() => {
          // Next read logs in again (AppRole) or reports the 403 (static token).
          if (this.config.auth.method === 'approle') this.auth = undefined;
        });
    }, delay);
    this.renewTimer.unref();
  }
}

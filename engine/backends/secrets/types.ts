/**
 * Where `${secret:<path>#<key>}` references are resolved at run time. The engine keeps one
 * backend per process and hands `backend.read` to `Secret.parse` as the resolver; operators call
 * `secret.reveal()` at each use and never keep the value.
 */
export interface SecretsBackend {
  /** The current value of `key` in the secret at `path` (e.g. `kv/argus/tushare`, `token`). */
  read(path: string, key: string): Promise<string>;
  /** Stops timers and, where the backend logged in itself, revokes its own token. */
  close(): Promise<void>;
}

/** Local default: values from environment variables (see {@link envVarName}). */
export interface EnvSecretsConfig {
  type: 'env';
  /** Variable prefix (default `ARGUS_SECRET_`). */
  prefix?: string;
  /** Where to read (default `process.env`); tests pass their own map. */
  env?: NodeJS.ProcessEnv;
}

export type VaultAuth =
  /** A token (default from VAULT_TOKEN / BAO_TOKEN when omitted). */
  | { method: 'token'; token?: string }
  /** AppRole login; the secret id defaults to VAULT_SECRET_ID when omitted. */
  | { method: 'approle'; roleId: string; secretId?: string; mount?: string };

export interface VaultSecretsConfig {
  type: 'vault';
  /** e.g. `http://127.0.0.1:8200` (default VAULT_ADDR / BAO_ADDR). */
  addr?: string;
  auth: VaultAuth;
  /** How long a fetched secret is served without asking Vault again (default 60 s). Past it, a
   * secret that cannot be refreshed is an error: the backend fails closed. */
  cacheTtlMs?: number;
  /** Per-request timeout (default 3 s). */
  requestTimeoutMs?: number;
  /** Renew the token when this fraction of its TTL has passed (default 0.66). */
  renewFraction?: number;
}

export type SecretsConfig = EnvSecretsConfig | VaultSecretsConfig;

/** An error about a secret: names the path and key, never the value. */
export class SecretError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly key: string,
    readonly reason: 'missing' | 'denied' | 'unreachable' | 'invalid',
  ) {
    super(message);
    this.name = 'SecretError';
  }
}

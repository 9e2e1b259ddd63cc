/**
 * Secrets backends: `createSecretsBackend(config)` for the engine, `secretResolver(backend)` to
 * plug one into `Secret.parse`.
 *
 * @example
 * const backend = createSecretsBackend({ type: 'vault', addr: 'http://127.0.0.1:8200', auth: { method: 'token' } });
 * const secret = Secret.parse('${secret:kv/argus/tushare#token}', secretResolver(backend));
 * const token = await secret!.reveal();
 */
import type { SecretResolver } from '../../api/secret.ts';
import { EnvSecretsBackend } from './env.ts';
import type { SecretsBackend, SecretsConfig } from './types.ts';
import { VaultSecretsBackend } from './vault.ts';

export { EnvSecretsBackend, envVarName } from './env.ts';
export { VaultSecretsBackend, kvDataPath } from './vault.ts';
export {
  SecretError,
  type SecretsBackend,
  type SecretsConfig,
  type VaultAuth,
  type VaultSecretsConfig,
  type EnvSecretsConfig,
} from './types.ts';

/** Builds the configured backend (`{type: 'env'}` when none is configured). Does no I/O. */
export function createSecretsBackend(config: SecretsConfig = { type: 'env' }): SecretsBackend {
  switch (config.type) {
    case 'env':
      return new EnvSecretsBackend(config);
    case 'vault':
      return new VaultSecretsBackend(config);
    default:
      throw new Error(
        `unknown secrets backend type "${(config as { type?: string }).type}" (expected env or vault)`,
      );
  }
}

/** The resolver `Secret.parse` needs, reading through `backend`. */
export function secretResolver(backend: SecretsBackend): SecretResolver {
  return (path, key) => backend.read(path, key);
}

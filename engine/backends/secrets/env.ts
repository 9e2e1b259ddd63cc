/**
 * The `env` secrets backend (local default). A reference maps to one environment variable:
 * `ARGUS_SECRET_` + `<path>_<key>` upper-cased, with every run of characters other than A-Z and
 * 0-9 turned into `_`.
 *
 * @example
 * // ${secret:kv/argus/tushare#token}  →  ARGUS_SECRET_KV_ARGUS_TUSHARE_TOKEN
 * // ${secret:kv/argus/qmt-agent#api_key}  →  ARGUS_SECRET_KV_ARGUS_QMT_AGENT_API_KEY
 * const backend = new EnvSecretsBackend({ type: 'env' });
 * const token = await backend.read('kv/argus/tushare', 'token');
 */
import { registerSecretValue } from '../../observability/redact.ts';
import { SecretError, type EnvSecretsConfig, type SecretsBackend } from './types.ts';

/** The variable that holds `${secret:<path>#<key>}`. */
export function envVarName(path: string, key: string, prefix = 'ARGUS_SECRET_'): string {
  const norm = `${path}_${key}`
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return prefix + norm;
}

export class EnvSecretsBackend implements SecretsBackend {
  private readonly env: NodeJS.ProcessEnv;
  private readonly prefix: string;

  constructor(config: EnvSecretsConfig = { type: 'env' }) {
    this.env = config.env ?? process.env;
    this.prefix = config.prefix ?? 'ARGUS_SECRET_';
  }

  async read(path: string, key: string): Promise<string> {
    const name = envVarName(path, key, this.prefix);
    const value = this.env[name];
    if (value === undefined || value === '') {
      throw new SecretError(
        `secret ${path}#${key} is not set: export ${name} (env secrets backend)`,
        path,
        key,
        'missing',
      );
    }
    registerSecretValue(value);
    return value;
  }

  async close(): Promise<void> {}
}

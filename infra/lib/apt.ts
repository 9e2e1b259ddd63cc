/**
 * Debian packages. `apt-get update` runs only when a package is missing (and then once per
 * process); installs are non-interactive. We are root on developer machines and in CI.
 */
import { execFileSync } from 'node:child_process';
import { run } from './exec.ts';

let updated = false;

/** True when dpkg reports the package installed. */
export function aptInstalled(pkg: string): boolean {
  try {
    const out = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    return out.includes('install ok installed');
  } catch {
    return false;
  }
}

/**
 * Installs the missing ones of `pkgs`.
 * @example await aptEnsure(['redis-server'], logFile('redis'), (m) => console.log(m));
 */
export async function aptEnsure(
  pkgs: string[],
  logTo: string,
  progress: (msg: string) => void,
): Promise<void> {
  const missing = pkgs.filter((p) => !aptInstalled(p));
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const cmd = (args: string[]): [string, string[]] =>
    sudo.length ? ['sudo', ['-n', ...args]] : [args[0], args.slice(1)];
  if (!updated) {
    progress('apt-get update');
    await run(...cmd(['apt-get', 'update', '-q']), { env, logTo, what: 'apt-get update' });
    updated = true;
  }
  progress(`apt-get install ${missing.join(' ')} (this can take a few minutes)`);
  await run(...cmd(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]), {
    env,
    logTo,
    what: `apt-get install ${missing.join(' ')}`,
  });
}

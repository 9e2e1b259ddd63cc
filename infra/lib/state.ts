/** The state files `.argus/run/<name>.json` (mode 0600 when they hold a token). */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { ServiceRecord } from '../service.ts';
import { runDir, stateFile } from './paths.ts';

export function readState(name: string): ServiceRecord | undefined {
  const f = stateFile(name);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as ServiceRecord;
  } catch (e) {
    throw new Error(
      `state file ${f} is not valid JSON (${(e as Error).message}); remove it and run \`npm run services -- up ${name}\``,
    );
  }
}

/** Writes atomically (temp file + rename) so a reader in another process never sees half a file. */
export function writeState(rec: ServiceRecord): void {
  runDir();
  const f = stateFile(rec.name);
  const tmp = `${f}.${process.pid}.tmp`;
  const mode = rec.secret ? 0o600 : 0o644;
  writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n', { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, f);
}

export function removeState(name: string): void {
  rmSync(stateFile(name), { force: true });
}

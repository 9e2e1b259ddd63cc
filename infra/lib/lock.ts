/**
 * Cross-process lock (several engineers and test runs share one `.argus/`): an atomic `mkdir`,
 * with the holder's pid inside so a crashed holder's lock is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { argusDir } from './paths.ts';
import { isAlive } from './process.ts';

/**
 * Runs `fn` while holding the lock `name`; waits (up to `timeoutMs`) for another holder.
 * @example await withLock('install-venv', () => installVenv());
 */
export async function withLock<T>(name: string, fn: () => Promise<T>, timeoutMs = 900_000): Promise<T> {
  const dir = join(argusDir('locks'), name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = 0;
      try {
        holder = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {
        /* being created or removed right now */
      }
      if (holder && !isAlive(holder)) rmSync(dir, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`lock ${dir} held by pid ${holder || '?'} for over ${timeoutMs / 1000}s`);
      else await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

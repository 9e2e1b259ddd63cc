/**
 * Time travel by timestamp, the delta-rs way (`load_with_datetime`): the latest version whose
 * commit file modification time is ≤ the target; the earliest version when the target precedes
 * every commit. Commit mtimes are never altered by Argus, so they stay a faithful clock.
 */
import { promises as fs } from 'node:fs';
import { commitFile, listLog } from './log.ts';

export function toEpochMs(t: Date | string | number): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : t + 'Z');
  if (Number.isNaN(ms)) throw new Error(`invalid timestamp '${String(t)}' (use an ISO date-time; naive means UTC)`);
  return ms;
}

/** The version to load for a timestamp. */
export async function versionAtTimestamp(root: string, t: Date | string | number): Promise<number> {
  const target = toEpochMs(t);
  const { commits } = await listLog(root);
  if (!commits.length) throw new Error(`${root}: no commit files to resolve a timestamp against`);
  const mtimes = await Promise.all(commits.map(async (v) => (await fs.stat(commitFile(root, v))).mtimeMs));
  // Binary search over mtimes as delta-rs does (they are monotone for a single local writer).
  let lo = 0, hi = commits.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (Math.floor(mtimes[mid]) <= target) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return commits[best < 0 ? 0 : best];
}

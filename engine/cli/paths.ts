/**
 * Which spec files a command reads: the paths given plus the project's `policies/` and `schemas/`
 * (when they exist), since pipelines depend on policies and table schemas by name.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function specPaths(given: string[], root = process.cwd()): string[] {
  const all = given.map((p) => resolve(root, p));
  for (const dir of ['policies', 'schemas']) {
    const p = resolve(root, dir);
    if (existsSync(p) && !all.some((a) => p === a || p.startsWith(a + '/') || a.startsWith(p + '/')))
      all.push(p);
  }
  return all;
}

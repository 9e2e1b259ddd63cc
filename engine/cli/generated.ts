/**
 * Writes a generated file, or with `check` reports whether regenerating would change it (CI runs
 * the check so generated files never drift from the code that produces them).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeGenerated(path: string, content: string, check: boolean): boolean {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (check) {
    if (current !== content) console.error(`${path} is out of date: run the generator and commit the result`);
    return current === content;
  }
  mkdirSync(dirname(path), { recursive: true });
  if (current !== content) writeFileSync(path, content);
  return true;
}

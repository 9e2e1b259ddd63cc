/**
 * Finds operator and spec-kind modules by convention, so adding an operator is adding one file:
 * `<dir>/{sources,transforms,sinks}/<type>.ts` default-export an operator definition whose `type`
 * equals the file name; `<dir>/kinds/*.ts` default-export a spec kind.
 */
import { readdirSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OperatorDefinition, SpecKind } from '../api/index.ts';
import type { Registry } from './registry.ts';

const ROLE_DIRS = { sources: 'source', transforms: 'transform', sinks: 'sink' } as const;

function modules(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !/\.(test|spec|d)\.[^.]+$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export async function discover(registry: Registry, dir: string): Promise<void> {
  for (const [sub, role] of Object.entries(ROLE_DIRS)) {
    for (const file of modules(join(dir, sub))) {
      const def = (await import(pathToFileURL(file).href)).default as OperatorDefinition | undefined;
      const expected = basename(file).replace(/\.[^.]+$/, '');
      if (!def) throw new Error(`${file}: no default export (expected an operator definition)`);
      if (def.type !== expected)
        throw new Error(`${file}: operator type "${def.type}" must match its file name "${expected}"`);
      if (def.role !== role) throw new Error(`${file}: role "${def.role}" does not match folder ${sub}/`);
      registry.operators.register(def);
    }
  }
  for (const file of modules(join(dir, 'kinds'))) {
    const kind = (await import(pathToFileURL(file).href)).default as SpecKind | undefined;
    if (!kind?.kind) throw new Error(`${file}: no default export of a spec kind`);
    registry.kinds.register(kind);
  }
}

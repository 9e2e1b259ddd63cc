/**
 * Finds `kind: TableSchema` documents in YAML files, either in the working tree or at a git ref
 * (`git ls-tree` / `git show`), so reviews can compare a branch with its merge base.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { SchemaDoc, TableSchemaSpec } from './diff.ts';

const YAML_FILE = /\.ya?ml$/;

/** TableSchema documents in one YAML text (several documents per file allowed). */
export function schemasInText(text: string, file: string): SchemaDoc[] {
  const out: SchemaDoc[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${file}: invalid YAML: ${doc.errors[0].message}`);
    const v = doc.toJS() as { kind?: string; metadata?: { name?: string; version?: string | number }; spec?: TableSchemaSpec } | null;
    if (v?.kind !== 'TableSchema') continue;
    if (!v.metadata?.name || v.metadata.version === undefined) throw new Error(`${file}: TableSchema without metadata.name/version`);
    if (!v.spec || !Array.isArray(v.spec.columns)) throw new Error(`${file}: TableSchema ${v.metadata.name} has no spec.columns`);
    out.push({ name: v.metadata.name, version: v.metadata.version, file, spec: v.spec });
  }
  return out;
}

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : YAML_FILE.test(e) ? [p] : [];
  });
}

/** Schemas in the working tree under `dirs` (paths reported relative to `root`). */
export function schemasInWorkingTree(root: string, dirs: readonly string[] = ['schemas']): SchemaDoc[] {
  return dirs.flatMap((d) => walk(join(root, d))).sort().flatMap((f) => schemasInText(readFileSync(f, 'utf8'), relative(root, f)));
}

function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
  }
}

/** Resolves a ref to a commit id (throws with git's message when unknown). */
export function resolveRef(root: string, ref: string): string {
  return git(root, ['rev-parse', '--verify', `${ref}^{commit}`]).trim();
}

/** The merge base of `ref` and HEAD (what a pull request is compared with). */
export function mergeBase(root: string, ref: string): string {
  return git(root, ['merge-base', ref, 'HEAD']).trim();
}

/** Schemas under `dirs` as they were at `ref`. */
export function schemasAtRef(root: string, ref: string, dirs: readonly string[] = ['schemas']): SchemaDoc[] {
  const files = git(root, ['ls-tree', '-r', '--name-only', ref, '--', ...dirs]).split('\n').filter((f) => YAML_FILE.test(f)).sort();
  return files.flatMap((f) => schemasInText(git(root, ['show', `${ref}:${f}`]), f));
}

export function repoRoot(cwd: string): string {
  return git(cwd, ['rev-parse', '--show-toplevel']).trim();
}

/**
 * Loads spec documents from files and directories and validates each one completely: envelope,
 * the kind's schema, the kind's own checks and, for pipelines, every node's operator config.
 * Returns every error found, each located at `file:line:col`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import type { SpecDoc } from '../api/index.ts';
import type { Registry } from '../registry/registry.ts';
import { checkPipelineNodes } from './check-pipeline.ts';
import type { SpecError } from './errors.ts';
import { envelopeSchema } from './kinds.ts';
import { parseYaml } from './parse.ts';
import type { PipelineSpec } from './pipeline-kind.ts';
import { checkSchema, type Problem } from './schema-check.ts';
import type { Position, SourceMap } from './source-map.ts';

export interface LoadResult {
  docs: SpecDoc[];
  errors: SpecError[];
  /** Documents whose shape is valid but that failed later checks: still worth compiling to report more. */
  partial: SpecDoc[];
}

const maps = new WeakMap<SpecDoc, SourceMap>();

/** Position of a pointer inside a loaded document (1:1 when unknown). */
export function locate(doc: SpecDoc, pointer: string, atKey = false): Position {
  return maps.get(doc)?.locate(pointer, atKey) ?? { line: 1, col: 1 };
}

/** A located error for a problem inside a loaded document. */
export function errorAt(doc: SpecDoc, p: Problem): SpecError {
  return {
    file: doc.file,
    ...locate(doc, p.pointer, p.atKey),
    pointer: p.pointer,
    message: p.message,
    hint: p.hint,
  };
}

/** YAML files under the given paths (directories recursively, `generated/` and dot-folders skipped). */
export function yamlFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        if (e.startsWith('.') || e === 'node_modules' || e === 'generated') continue;
        walk(join(p, e));
      }
    } else if (['.yaml', '.yml'].includes(extname(p))) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

export function loadText(file: string, text: string, registry: Registry): LoadResult {
  const { docs: parsed, errors } = parseYaml(file, text);
  const docs: SpecDoc[] = [];
  const partial: SpecDoc[] = [];
  for (const p of parsed) {
    const problems: Problem[] = checkSchema(envelopeSchema(registry.kinds.names()), p.value);
    const value = p.value as SpecDoc;
    let shapeOk = false;
    const kind = problems.some((x) => x.pointer === '/kind' || x.pointer === '')
      ? undefined
      : registry.kinds.get(value.kind);
    const doc = { ...value, file } as SpecDoc;
    maps.set(doc, p.map);
    if (kind && value.spec && typeof value.spec === 'object') {
      const specProblems = checkSchema(kind.schema, value.spec, '/spec');
      problems.push(...specProblems);
      if (specProblems.length === 0) {
        shapeOk = problems.length === 0;
        for (const c of kind.check?.(doc) ?? [])
          problems.push({ pointer: `/spec${c.pointer}`, message: c.message });
        if (kind.kind === 'Pipeline')
          problems.push(...checkPipelineNodes(value.spec as PipelineSpec, registry.operators));
      }
    }
    errors.push(...problems.map((x) => errorAt(doc, x)));
    if (problems.length === 0) docs.push(doc);
    else if (shapeOk) partial.push(doc);
  }
  return { docs, errors, partial };
}

/** Loads every document under `paths`; also reports two documents of the same kind and name. */
export function loadPaths(paths: string[], registry: Registry, root = process.cwd()): LoadResult {
  const result: LoadResult = { docs: [], errors: [], partial: [] };
  for (const file of yamlFiles(paths)) {
    const name = relative(root, file) || file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      result.errors.push({ file: name, line: 1, col: 1, pointer: '', message: (err as Error).message });
      continue;
    }
    const r = loadText(name, text, registry);
    result.docs.push(...r.docs);
    result.errors.push(...r.errors);
    result.partial.push(...r.partial);
  }
  const seen = new Map<string, SpecDoc>();
  for (const d of result.docs) {
    const id = `${d.kind}/${d.metadata.name}@${d.metadata.version}`;
    const first = seen.get(id);
    if (first)
      result.errors.push(
        errorAt(d, {
          pointer: '/metadata/name',
          message: `${id} is defined twice`,
          hint: `first in ${first.file}`,
        }),
      );
    else seen.set(id, d);
  }
  return result;
}

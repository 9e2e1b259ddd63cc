/**
 * Runs pipeline YAML text in a throw-away project directory, for tests of the engine and of
 * pipelines. Files given in `files` are written next to the pipeline (policies, schemas).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import type { Registry } from '../registry/registry.ts';
import type { BackendFactory } from '../runtime/env.ts';
import { Engine } from '../runtime/engine.ts';
import { formatError } from '../spec/errors.ts';

export interface Fixture {
  engine: Engine;
  root: string;
  /** Absolute path of the pipeline file (edit it to test reload). */
  file: string;
  paths: string[];
}

export async function engineFromText(
  registry: Registry,
  yaml: string,
  opts: { files?: Record<string, string>; backends?: Record<string, BackendFactory>; root?: string } = {},
): Promise<Fixture> {
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'argus-engine-'));
  const file = join(root, 'pipeline.yaml');
  writeFileSync(file, yaml);
  for (const [name, text] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  const paths = [file, ...Object.keys(opts.files ?? {}).map((f) => join(root, f))];
  const engine = Engine.create({
    registry,
    root,
    backends: opts.backends,
    logger: pino({ level: process.env.ARGUS_LOG_LEVEL ?? 'silent' }),
  });
  const errors = await engine.load(paths);
  if (errors.length) throw new Error(errors.map(formatError).join('\n'));
  return { engine, root, file, paths };
}

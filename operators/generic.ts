/**
 * The generic built-in operators (no A-share knowledge), as a registry for engine tests and
 * embedding. The `argus` command discovers every operator instead (see `argus.ts`).
 */
import { Registry } from '../engine/registry/registry.ts';
import { pipelineKind } from '../engine/spec/pipeline-kind.ts';
import { pipelineTestKind } from '../engine/spec/pipeline-test-kind.ts';
import generate from './sources/generate.ts';
import fileSource from './sources/file.ts';
import map from './transforms/map.ts';
import filter from './transforms/filter.ts';
import switchOp from './transforms/switch.ts';
import dedupe from './transforms/dedupe.ts';
import stdout from './sinks/stdout.ts';
import log from './sinks/log.ts';
import fileSink from './sinks/file.ts';

export function genericRegistry(): Registry {
  const r = new Registry([pipelineKind, pipelineTestKind]);
  for (const def of [generate, fileSource, map, filter, switchOp, dedupe, stdout, log, fileSink])
    r.operators.register(def as never);
  return r;
}

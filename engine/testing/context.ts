/**
 * A real {@link Context} for unit tests of operators, without a running engine: silent logger,
 * a fresh metrics registry, the given spec documents and backends, secrets from the environment.
 *
 * @example
 * const ctx = testContext({ specs: [policyDoc], backends: { kv: new MemoryKv() } });
 * const out = await runTransform(fuse, { policy: 'default' }, records, ctx);
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Context, SpecDoc } from '../api/index.ts';
import { Secret } from '../api/index.ts';
import { createMetrics } from '../observability/metrics.ts';

export interface TestContextOptions {
  pipeline?: string;
  node?: string;
  specs?: SpecDoc[];
  backends?: Record<string, unknown>;
  /** Resolves secrets; default: env var named by the key upper-cased (`#token` → TOKEN). */
  secrets?: (path: string, key: string) => Promise<string>;
  root?: string;
  signal?: AbortSignal;
}

export function testContext(opts: TestContextOptions = {}): Context {
  const specs = opts.specs ?? [];
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'argus-test-'));
  const resolve =
    opts.secrets ??
    (async (_path: string, key: string) => {
      const v = process.env[key.toUpperCase()];
      if (v === undefined) throw new Error(`secret key ${key} not set in the environment`);
      return v;
    });
  return {
    pipeline: opts.pipeline ?? 'test',
    node: opts.node ?? 'node',
    logger: pino({ level: process.env.ARGUS_LOG_LEVEL ?? 'silent' }),
    metrics: createMetrics(),
    spec<S>(kind: string, name: string) {
      const doc = specs.find((d) => d.kind === kind && d.metadata.name === name);
      if (!doc) throw new Error(`no ${kind} named "${name}" is loaded`);
      return doc as SpecDoc<S>;
    },
    specs<S>(kind: string) {
      return specs.filter((d) => d.kind === kind) as SpecDoc<S>[];
    },
    secret(ref: string) {
      const s = Secret.parse(ref, resolve);
      if (!s) throw new Error(`not a secret reference: ${ref}`);
      return s;
    },
    backend<T>(role: string): T {
      if (!(opts.backends && role in opts.backends))
        throw new Error(`no "${role}" backend in this test context`);
      return opts.backends[role] as T;
    },
    paths: { root, lake: join(root, 'lake'), state: join(root, 'state') },
    signal: opts.signal ?? new AbortController().signal,
  };
}

/**
 * No secret reaches a log line, an error, a metric or a file: a real pipeline (Tushare source on
 * the protocol-exact simulator → file sink) runs with tokens resolved from the real OpenBao through
 * the vault backend; one run with the right canary token, one with a wrong canary token that the
 * simulator rejects (the error path). Every log line (debug level), failure, metric and file
 * written under the project root is then searched for both canaries.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultSecretsBackend, secretResolver } from '../../engine/backends/secrets/index.ts';
import { createLogger } from '../../engine/observability/logger.ts';
import { createMetrics } from '../../engine/observability/metrics.ts';
import { discover } from '../../engine/registry/discover.ts';
import { Registry } from '../../engine/registry/registry.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { pipelineKind } from '../../engine/spec/pipeline-kind.ts';
import { repoRoot } from '../../infra/lib/paths.ts';
import { startSimulator, type SimHandle } from '../../sim/index.ts';
import { services } from '../helpers/services.ts';
import { VaultAdmin } from './vault-admin.ts';

const DAY = '20241231';
const run = `canary-${ulid().toLowerCase()}`;
const good = randomBytes(28).toString('hex'); // Tushare-shaped canaries, generated per run
const wrong = randomBytes(28).toString('hex');
let sim: SimHandle;
let backend: VaultSecretsBackend;

beforeAll(async () => {
  sim = await startSimulator({ symbols: 20, from: '20241220', to: DAY, seed: 3, tushareToken: good });
  const admin = new VaultAdmin(services().vault.addr, services().vault.token);
  await admin.putSecret(`${run}/tushare`, { token: good });
  await admin.putSecret(`${run}/tushare-wrong`, { token: wrong });
  await admin.readPolicy(`${run}-reader`, run);
  const token = await admin.createToken([`${run}-reader`]);
  backend = new VaultSecretsBackend({
    type: 'vault',
    addr: services().vault.addr,
    auth: { method: 'token', token },
  });
});
afterAll(async () => {
  await backend?.close();
  await sim?.stop();
});

function pipeline(secretPath: string, out: string): string {
  return `apiVersion: argus/v1
kind: Pipeline
metadata: {name: canary-${out}, version: 1}
spec:
  nodes:
    - id: daily
      type: tushare
      config:
        base_url: ${sim.tushareUrl}
        token: \${secret:kv/${run}/${secretPath}#token}
        datasets: [daily]
        trade_date: '${DAY}'
        retry_delays_ms: [50]
    - id: out
      type: file
      inputs: [daily]
      config: {path: out/${out}.jsonl}
`;
}

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('secret canaries', () => {
  it('never appear in logs, errors, metrics or written files', async () => {
    const registry = new Registry([pipelineKind]);
    await discover(registry, join(repoRoot, 'operators'));
    const root = mkdtempSync(join(tmpdir(), 'argus-canary-'));
    writeFileSync(join(root, 'ok.yaml'), pipeline('tushare', 'ok'));
    writeFileSync(join(root, 'bad.yaml'), pipeline('tushare-wrong', 'bad'));
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const metrics = createMetrics();
    const engine = Engine.create({
      registry,
      root,
      logger: createLogger({ level: 'trace', destination }),
      metrics,
      secrets: secretResolver(backend),
    });
    const errors = await engine.load([join(root, 'ok.yaml'), join(root, 'bad.yaml')]);
    expect(errors).toEqual([]);
    await engine.start();
    await engine.done();
    await engine.stop();

    // The good run delivered data with the good token; the wrong token failed (the error path ran).
    const ok = readFileSync(join(root, 'out', 'ok.jsonl'), 'utf8');
    expect(ok.split('\n').filter(Boolean).length).toBeGreaterThan(0);
    const failures = engine.failures.map((f) =>
      f instanceof Error ? `${f.message}\n${f.stack}` : JSON.stringify(f),
    );
    expect(failures.join('\n')).toContain('tushare daily: code 40101'); // the wrong token's error path ran
    expect(lines.some((l) => l.includes('"pipeline":"canary-bad"') && l.includes('node failed'))).toBe(true);

    const haystacks: Record<string, string> = {
      logs: lines.join(''),
      failures: failures.join('\n') + JSON.stringify(engine.failures),
      metrics: await metrics.registry.metrics(),
      ...Object.fromEntries(files(root).map((f) => [f, readFileSync(f, 'utf8')])),
    };
    expect(lines.length).toBeGreaterThan(0);
    for (const [where, text] of Object.entries(haystacks)) {
      expect(text.includes(good), `good canary leaked into ${where}`).toBe(false);
      expect(text.includes(wrong), `wrong canary leaked into ${where}`).toBe(false);
    }
  });
});

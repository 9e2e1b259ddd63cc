import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const argus = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/argus.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ARGUS_LOG_LEVEL: 'warn' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('argus CLI', () => {
  it('validates the shipped pipelines and examples', () => {
    const r = argus('validate', 'pipelines', 'examples');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok: \d+ document\(s\), \d+ pipeline\(s\)/);
  });

  it('reports every error of a broken spec with line and column and exits 1 (also as JSON)', () => {
    const r = argus('validate', 'test/fixtures/broken-pipeline.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toContain('test/fixtures/broken-pipeline.yaml:9:26: unknown key "batch_sise"');
    expect(r.err).toContain('test/fixtures/broken-pipeline.yaml:14:13: unknown operator type "fitler"');
    expect(r.err).toMatch(/broken-pipeline\.yaml:19:15: cycle: c → d → c/);
    expect(r.err).toContain('3 error(s)');
    const j = argus('validate', '--format', 'json', 'test/fixtures/broken-pipeline.yaml');
    expect(j.code).toBe(1);
    const report = JSON.parse(j.out);
    expect(report.ok).toBe(false);
    expect(report.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/spec/nodes/0/config/batch_sise',
      '/spec/nodes/2/type',
      '/spec/nodes/3/inputs',
    ]);
  });

  it('draws a graph as mermaid and dot', () => {
    const m = argus('graph', 'examples/quickstart.yaml', '--format', 'mermaid');
    expect(m.code).toBe(0);
    expect(m.out).toContain('flowchart LR');
    expect(m.out).toContain('small -- rejected --> large');
    const d = argus('graph', 'examples/quickstart.yaml', '--format', 'dot');
    expect(d.out).toContain('small -> large [label="rejected"];');
  });

  it('runs the quickstart and PipelineTest specs; a failing expectation exits 1', () => {
    const run = argus('run', 'examples/quickstart.yaml');
    expect(run.code).toBe(0);
    expect(
      run.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).i),
    ).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(argus('test', 'examples/quickstart.test.yaml').out).toContain('1 passed, 0 failed');
    const dir = mkdtempSync(join(tmpdir(), 'argus-cli-'));
    writeFileSync(
      join(dir, 'bad.test.yaml'),
      `apiVersion: argus/v1\nkind: PipelineTest\nmetadata: {name: bad, version: 1}\nspec:\n  pipeline: ${join(root, 'examples/quickstart.yaml')}\n  cases:\n    - {name: wrong, inputs: {numbers: [{i: 1, bucket: 1}]}, expect: {show: [{i: 2}]}}\n`,
    );
    const bad = argus('test', join(dir, 'bad.test.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('0 passed, 1 failed');
  });

  it('keeps the generated operator reference and editor schema up to date', () => {
    expect(argus('docs', '--check').code).toBe(0);
    expect(argus('schema-export', '--check').code).toBe(0);
  });
});

describe('argus run signals', () => {
  it('drains in-flight batches on SIGINT: the output is a contiguous sequence and the exit is clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-sigint-'));
    writeFileSync(
      join(dir, 'p.yaml'),
      `apiVersion: argus/v1\nkind: Pipeline\nmetadata: {name: s, version: 1}\nspec:\n  nodes:\n    - {id: n, type: generate, config: {batch_size: 50, interval_ms: 1}}\n    - {id: out, type: file, inputs: [n], config: {path: out.jsonl}}\n`,
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(root, 'bin/argus.mjs'), 'run', 'p.yaml'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (d) => (log += d));
    await new Promise<void>((res) => {
      const t = setInterval(() => {
        if (log.includes('"running"')) {
          clearInterval(t);
          setTimeout(res, 500);
        }
      }, 50);
    });
    child.kill('SIGINT');
    const code = await new Promise((res) => child.on('exit', res));
    expect(code).toBe(0);
    expect(log).toContain('stopping: draining in-flight batches');
    const { readFileSync } = await import('node:fs');
    const seq = readFileSync(join(dir, 'out.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).i);
    expect(seq.length).toBeGreaterThan(0);
    expect(seq).toEqual(Array.from({ length: seq.length }, (_, i) => i));
  });
});

/**
 * The repository secret scan (infra/scan-secrets.mjs, secretlint + the project's own rule) fails
 * on a planted Tushare-style token, in the working tree and in history, and the real repository
 * scans clean. The planted values are generated here, so no token-shaped literal is committed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../infra/lib/paths.ts';

const script = join(repoRoot, 'infra', 'scan-secrets.mjs');
const scan = (...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 120_000 });
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=scan@test', '-c', 'user.name=scan-test', ...args], {
    cwd,
    stdio: 'pipe',
  });

describe('secret scan', () => {
  let copy: string;
  const token = randomBytes(28).toString('hex'); // 56 hex characters, like a Tushare Pro token

  beforeAll(() => {
    copy = join(mkdtempSync(join(tmpdir(), 'argus-scan-')), 'repo');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, copy]);
  });
  afterAll(() => rmSync(join(copy, '..'), { recursive: true, force: true }));

  it('catches a token planted in the working tree, masked in its report', () => {
    writeFileSync(join(copy, 'leak.ts'), `export const config = { token: '${token}' };\n`);
    const r = scan('--repo', copy, '--no-history');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^leak\.ts: found a Tushare-style token/m);
    expect(r.stdout + r.stderr).not.toContain(token);
  });

  it('still catches it in history after the file is deleted', () => {
    git(copy, 'add', 'leak.ts');
    git(copy, 'commit', '-qm', 'oops');
    unlinkSync(join(copy, 'leak.ts'));
    git(copy, 'commit', '-qam', 'remove the leak');
    expect(scan('--repo', copy, '--no-history').status).toBe(0); // the tree alone is clean again
    const r = scan('--repo', copy);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/leak\.ts \(history, blob [0-9a-f]{12}\): found a Tushare-style token/);
    expect(r.stdout).not.toContain(token);
  });

  it('catches literal QMT agent API keys but not secret references or identifiers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'argus-scan-key-'));
    const key = () => randomBytes(16).toString('hex');
    try {
      git(dir, 'init', '-q');
      writeFileSync(
        join(dir, 'ok.ts'),
        [
          "const cfg = { api_key: '${secret:kv/argus/qmt#api_key}' };",
          'const headers = { Authorization: `Bearer ${apiKey}` };',
          "const read = (key: string) => (key === 'api_key' ? sim.qmtApiKey : sim.tushareToken);",
          '',
        ].join('\n'),
      );
      expect(scan('--repo', dir).status).toBe(0);
      writeFileSync(join(dir, 'a.yaml'), `config:\n  api_key: "${key()}"\n`);
      writeFileSync(join(dir, 'b.env.example'), `QMT_API_KEY=x\nAPI_KEY=${key()}\n`);
      writeFileSync(join(dir, 'c.ts'), `fetch(url, { headers: { Authorization: 'Bearer ${key()}' } });\n`);
      const r = scan('--repo', dir);
      expect(r.status).toBe(1);
      for (const f of ['a.yaml', 'b.env.example', 'c.ts'])
        expect(r.stdout).toMatch(new RegExp(`^${f.replace('.', '\\.')}: found a literal API key`, 'm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the real repository (working tree and every blob in history) scans clean', () => {
    const r = scan();
    expect(r.stdout).toMatch(/secret scan: clean/);
    expect(r.status).toBe(0);
  });
});

/**
 * The alert rules checked and unit-tested by the real promtool (Debian `prometheus`), as `npm test` runs them.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { services } from '../helpers/services.ts';

const run = promisify(execFile);
const dir = join(import.meta.dirname, '../../infra/prometheus');

describe('promtool', () => {
  it('check rules accepts infra/prometheus/alerts.yml', async () => {
    const { stdout } = await run(services().promtool, ['check', 'rules', join(dir, 'alerts.yml')]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('test rules passes every unit test in infra/prometheus/alerts.test.yml', async () => {
    const { stdout } = await run(services().promtool, ['test', 'rules', join(dir, 'alerts.test.yml')], {
      cwd: dir,
    });
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('test rules fails when a threshold in the rules changes (the tests can fail)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'argus-rules-'));
    cpSync(join(dir, 'alerts.test.yml'), join(tmp, 'alerts.test.yml'));
    writeFileSync(
      join(tmp, 'alerts.yml'),
      readFileSync(join(dir, 'alerts.yml'), 'utf8').replace('[15m]) < 0.99', '[15m]) < 0.95'),
    );
    const err = await run(services().promtool, ['test', 'rules', join(tmp, 'alerts.test.yml')], {
      cwd: tmp,
    }).then(
      () => null,
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(`${err!.stdout}${err!.stderr}`).toMatch(/DQConsistencyBelowTarget/);
  });
});

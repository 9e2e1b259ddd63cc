import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const scenario = join(mkdtempSync(join(tmpdir(), 'sim-cli-')), 'faults.yaml');
writeFileSync(
  scenario,
  'seed: 1\nrules:\n  - {kind: latency, target: qmt, api: get_trading_dates, ms: 400}\n',
);

describe('argus sim (command line)', () => {
  it('prints one URL line per service and nothing secret, serves, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        main,
        'sim',
        '--symbols',
        '40',
        '--from',
        '2024-12-01',
        '--to',
        '20241231',
        '--seed',
        '3',
        '--tushare-port',
        '0',
        '--qmt-port',
        '0',
        '--qmt-api-key',
        'k-test-123',
        '--scenario',
        scenario,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URLs printed: ${stdout}`)), 20_000);
        child.stdout.on('data', () => stdout.split('\n').length >= 3 && (clearTimeout(t), resolve()));
        child.on('exit', (code) => reject(new Error(`sim exited early with ${code}`)));
      });
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^tushare: http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines[1]).toMatch(/^qmt-agent: http:\/\/127\.0\.0\.1:\d+$/);
      expect(stdout).not.toContain('k-test-123');
      const qmt = lines[1].slice('qmt-agent: '.length);
      const t0 = Date.now();
      const res = await fetch(`${qmt}/api/v1/get_trading_dates?market=SH&start_date=20241230`, {
        headers: { authorization: 'Bearer k-test-123' },
      });
      expect(((await res.json()) as { data: string[] }).data).toEqual(['20241230', '20241231']);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(400); // the scenario's latency rule applies
      const ts = await fetch(lines[0].slice('tushare: '.length), {
        method: 'POST',
        body: JSON.stringify({ api_name: 'daily', token: 'guess', params: {} }),
      });
      expect(((await ts.json()) as { code: number }).code).toBe(40101);
    } finally {
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('rejects bad options with a message naming the option', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'sim', '--from', '2024-13-01'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--from must be a date/);
  });
});

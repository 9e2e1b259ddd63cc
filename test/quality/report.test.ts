/**
 * `argus quality report` over a month of reports written by the real operators to real Delta tables.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatReport, qualityReport } from '../../engine/cli/commands/quality.ts';
import { REPO_ROOT } from '../../operators/lib/quality/policies.ts';
import { buildQualityLake, type QualityLake } from './lake-fixture.ts';

let q: QualityLake;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  q = await buildQualityLake((d) => vi.setSystemTime(d));
  vi.useRealTimers();
  mkdirSync(join(q.root, 'policies'), { recursive: true });
  cpSync(join(REPO_ROOT, 'policies/quality-score.yaml'), join(q.root, 'policies/quality-score.yaml'));
});
afterAll(() => vi.useRealTimers());

describe('argus quality report', () => {
  it('lists every published day of the month and the mean composite', async () => {
    const { days, summary } = await qualityReport({ month: '2024-12', root: q.root });
    const published = q.days.filter((d) => d !== q.quarantinedDay);
    expect(days.map((d) => d.trade_date)).toEqual(published);
    const mean =
      Math.round((q.reports.reduce((a, r) => a + Number(r.composite), 0) / q.reports.length) * 100) / 100;
    expect(summary).toMatchObject({ month: '2024-12', days: published.length, mean, target: 95 });
    expect(summary.band).toBe(mean >= 95 ? 'green' : mean >= 85 ? 'yellow' : 'red');
    // The round trip through Delta keeps the operator's numbers.
    for (const r of q.reports)
      expect(days.find((d) => d.trade_date === r.trade_date)).toMatchObject({
        composite: r.composite,
        band: r.band,
        dq_com_01: r.dq_com_01,
      });
    expect(formatReport(days, summary)).toMatch(
      new RegExp(
        `2024-12: monthly mean ${mean.toFixed(2)} \\((green|yellow|red)\\) over ${published.length} day\\(s\\); target ≥ 95`,
      ),
    );
  });

  it('reports an empty month and rejects a malformed one', async () => {
    expect((await qualityReport({ month: '2024-11', root: q.root })).summary).toMatchObject({
      days: 0,
      mean: null,
    });
    await expect(qualityReport({ month: '2024-13', root: q.root })).rejects.toThrow(
      /--month must be YYYY-MM/,
    );
  });

  it('runs as a command line (tsx) and prints the monthly mean as JSON', async () => {
    // Until the lead wires registerQualityCommand into argus.ts: the same program around it.
    const cli = join(q.root, 'cli.mts');
    writeFileSync(
      cli,
      `import { Command } from '${join(REPO_ROOT, 'node_modules/commander/esm.mjs')}';
import { registerQualityCommand } from '${join(REPO_ROOT, 'engine/cli/commands/quality.ts')}';
const p = new Command('argus'); registerQualityCommand(p); await p.parseAsync(process.argv);\n`,
    );
    const { stdout } = await promisify(execFile)(
      join(REPO_ROOT, 'node_modules/.bin/tsx'),
      [cli, 'quality', 'report', '--month', '2024-12', '--format', 'json'],
      { cwd: q.root },
    );
    const out = JSON.parse(stdout);
    const expected = await qualityReport({ month: '2024-12', root: q.root });
    expect(out.summary).toEqual(expected.summary);
    expect(out.days).toHaveLength(expected.days.length);
  });
});

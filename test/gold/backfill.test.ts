/**
 * `argus backfill` over real-data Bronze: runs pipelines/gold.yaml in chunks, records finished days,
 * and a second run over a wider range only runs the days not finished yet (resume); the Gold table
 * ends with one commit per trading day and every row.
 */
import { alertBackendFromEnv } from '../../engine/backends/alerts/from-env.ts';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { argusRegistry } from '../../argus.ts';
import { registerBackfillCommand } from '../../engine/cli/commands/backfill.ts';
import type { CliSetup } from '../../engine/cli/program.ts';
import { createLake } from '../../engine/lake/index.ts';
import { repo, writeBronze } from './bronze-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'argus-backfill-'));
const lake = createLake(join(root, 'lake'));
const state = join(root, 'progress.json');
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function backfill(...args: string[]): Promise<string[]> {
  const setup: CliSetup = {
    registry: await argusRegistry(),
    backends: () => ({ lake: () => lake, alerts: (e) => alertBackendFromEnv({}, e.stateRoot, e.logger) }),
  };
  const program = new Command('argus').exitOverride();
  registerBackfillCommand(program, setup);
  const logs: string[] = [];
  const orig = console.error;
  console.error = (s: string) => logs.push(String(s));
  try {
    await program.parseAsync([
      'node',
      'argus',
      'backfill',
      ...args,
      '--chunk-days',
      '3',
      '--state',
      state,
      '--root',
      root,
      '--lake',
      join(root, 'lake'),
      '--pipeline',
      join(repo, 'pipelines/gold.yaml'),
      join(repo, 'policies'),
      join(repo, 'schemas'),
    ]);
  } finally {
    console.error = orig;
  }
  expect(process.exitCode ?? 0).toBe(0);
  return logs;
}

describe('argus backfill', () => {
  it('runs chunks, records finished days and resumes with only the rest', async () => {
    await writeBronze(lake, '2024-06-07', '2024-06-21');
    const first = await backfill('--from', '2024-06-07', '--to', '2024-06-13');
    expect(first[0]).toMatch(/5 trading days by weekdays .* 0 already finished, 5 to run in 2 chunk/);
    expect(JSON.parse(readFileSync(state, 'utf8')).finished).toEqual([
      '2024-06-07',
      '2024-06-10',
      '2024-06-11',
      '2024-06-12',
      '2024-06-13',
    ]);
    const table = lake.table('gold/a_share_daily');
    const commitsAfterFirst = (await table.history()).length;

    const second = await backfill('--from', '2024-06-07', '--to', '2024-06-21');
    expect(second[0]).toMatch(/11 trading days .* 5 already finished, 6 to run in 2 chunk/);
    expect(second.at(-1)).toMatch(/done: 6 days, \d+ rows in .* rows\/s\), peak RSS \d+ MiB/);
    const rows = await table.read();
    expect(new Set(rows.map((r) => r.trade_date)).size).toBe(10); // 2024-06-10 was a holiday: no data
    expect(rows).toHaveLength(100);
    expect((await table.history()).length - commitsAfterFirst).toBe(6); // one commit per remaining day, none repeated
    expect(existsSync(state)).toBe(true);
    const dry = await backfill('--from', '2024-06-07', '--to', '2024-06-21', '--dry-run');
    expect(dry[0]).toMatch(/11 already finished, 0 to run/);
  });
});

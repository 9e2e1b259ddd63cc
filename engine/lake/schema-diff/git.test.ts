/** The review commands on real temporary git repositories (git is a real component here). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerSchemaCommands, runSchemaReview } from '../../cli/commands/schema.ts';

const V1 = readFileSync(new URL('../../../schemas/gold/a_share_daily/v1.yaml', import.meta.url), 'utf8');
const dirs: string[] = [];

function repo(): { dir: string; git: (...a: string[]) => string; write: (f: string, t: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'argus-schema-'));
  dirs.push(dir);
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...a], { encoding: 'utf8' });
  const write = (f: string, t: string) => {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), t);
  };
  git('init', '-q', '-b', 'main');
  write('schemas/gold/a_share_daily/v1.yaml', V1);
  git('add', '.');
  git('commit', '-qm', 'v1');
  git('checkout', '-qb', 'feature');
  return { dir, git, write };
}

/** v1 with the version bumped and `edit` applied to the YAML text. */
const next = (version: string, edit: (t: string) => string) => edit(V1.replace('version: 1}', `version: ${version}}`));
const addRating = (t: string) => `${t}    - {name: esg_score, type: "decimal(5,2)", nullable: true, description: "ESG"}\n`;
const dropPe = (t: string) => t.replace(/^ {4}- \{name: pe_ttm.*\n/m, '');

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('argus schema diff/check on git repositories', () => {
  it('no change: unchanged, check passes', () => {
    const r = repo();
    const { review, markdown } = runSchemaReview({ cwd: r.dir, base: 'main' });
    expect(review.problems).toEqual([]);
    expect(markdown).toContain('Verdict: **no schema changes**');
  });

  it('compatible: a new minor version adding a nullable column', () => {
    const r = repo();
    r.write('schemas/gold/a_share_daily/v1.1.yaml', next('"1.1"', addRating));
    const { review, markdown } = runSchemaReview({ cwd: r.dir, base: 'main' });
    expect(review.problems).toEqual([]);
    expect(markdown).toContain('## gold.a_share_daily: v1 → v1.1 — compatible');
    expect(markdown).toContain('| column-added | esg_score |  | `decimal(5,2)` | compatible |');
  });

  it('breaking without a new major version fails; with v2 it passes', () => {
    const r = repo();
    r.write('schemas/gold/a_share_daily/v1.1.yaml', next('"1.1"', dropPe));
    const bad = runSchemaReview({ cwd: r.dir, base: 'main' });
    expect(bad.review.problems).toEqual([expect.stringMatching(/needs a new major version \(v2\): column pe_ttm \(decimal\(18,4\)\) removed/)]);
    expect(bad.markdown).toContain('— **breaking**');
    unlinkSync(join(r.dir, 'schemas/gold/a_share_daily/v1.1.yaml'));
    r.write('schemas/gold/a_share_daily/v2.yaml', next('2', dropPe));
    const ok = runSchemaReview({ cwd: r.dir, base: 'main' });
    expect(ok.review.problems).toEqual([]);
    expect(ok.markdown).toContain('Verdict: **breaking (new major version)**');
  });

  it('editing the published v1 file fails even when the edit is compatible', () => {
    const r = repo();
    r.write('schemas/gold/a_share_daily/v1.yaml', addRating(V1));
    const { review, markdown } = runSchemaReview({ cwd: r.dir, base: 'main' });
    expect(review.problems).toEqual([expect.stringMatching(/published gold.a_share_daily v1 .* was edited; add a new version file instead \(nullable column esg_score/)]);
    expect(markdown).toContain('published version edited — **not allowed**');
  });

  it('compares with the merge base, not the moving tip of main', () => {
    const r = repo();
    r.write('schemas/gold/a_share_daily/v1.1.yaml', next('"1.1"', addRating));
    r.git('add', '.');
    r.git('commit', '-qm', 'feature: v1.1');
    r.git('checkout', '-q', 'main');
    r.write('schemas/other/v1.yaml', V1.replaceAll('gold.a_share_daily', 'gold.other').replaceAll('gold/a_share_daily', 'gold/other'));
    r.git('add', '.');
    r.git('commit', '-qm', 'main moves on');
    r.git('checkout', '-q', 'feature');
    const viaMergeBase = runSchemaReview({ cwd: r.dir, base: 'main' });
    expect(viaMergeBase.review.problems).toEqual([]);
    // Against main's tip the branch looks like it deleted gold.other.
    const viaTip = runSchemaReview({ cwd: r.dir, base: 'main', useMergeBase: false });
    expect(viaTip.review.problems).toEqual([expect.stringMatching(/published gold.other v1 .* was removed/)]);
  });

  it('the check command exits 1 with the report on stderr; diff exits 0', async () => {
    const r = repo();
    r.write('schemas/gold/a_share_daily/v1.1.yaml', next('"1.1"', (t) => t.replace('partitionBy: [trade_date]', 'partitionBy: [symbol]')));
    const cwd = process.cwd();
    const logs: string[] = [];
    const orig = { log: console.log, error: console.error };
    console.log = (s: string) => logs.push(`out:${s}`);
    console.error = (s: string) => logs.push(`err:${s}`);
    try {
      process.chdir(r.dir);
      const program = new Command('argus').exitOverride();
      registerSchemaCommands(program);
      await program.parseAsync(['node', 'argus', 'schema', 'diff', '--base', 'main']);
      expect(process.exitCode ?? 0).toBe(0);
      await program.parseAsync(['node', 'argus', 'schema', 'check', '--base', 'main']);
      expect(process.exitCode).toBe(1);
    } finally {
      process.chdir(cwd);
      Object.assign(console, orig);
      process.exitCode = 0;
    }
    expect(logs.some((l) => l.startsWith('out:') && l.includes('| partitioning |  | `["trade_date"]` | `["symbol"]` | **breaking** |'))).toBe(true);
    expect(logs).toContain('err:schema check failed: 1 problem(s)');
  });
});

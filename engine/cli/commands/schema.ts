/**
 * `argus schema diff [--base <ref>]` and `argus schema check [--base <ref>]`: review TableSchema
 * changes of the working tree against the merge base of `<ref>` and HEAD (what a pull request
 * changes). `diff` prints a Markdown report; `check` prints it too and exits 1 when a published
 * version file was edited or removed, or a breaking change does not come with a new major version.
 *
 * @example
 * argus schema diff --base origin/main > schema-review.md
 * argus schema check --base origin/main   # CI gate
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  markdownReport,
  mergeBase,
  repoRoot,
  resolveRef,
  reviewSchemas,
  schemasAtRef,
  schemasInWorkingTree,
  type SchemaReview,
} from '../../lake/schema-diff/index.ts';

export interface SchemaReviewOptions {
  /** Any directory inside the repository. */
  cwd?: string;
  /** Git ref to compare with; default `$ARGUS_SCHEMA_BASE`, else `origin/main`, `main`, `HEAD` (first that exists). */
  base?: string;
  /** Compare with the merge base of `base` and HEAD (default) or with `base` itself. */
  useMergeBase?: boolean;
  /** Directories (relative to the repository root) that hold schema YAML. */
  dirs?: string[];
}

export interface SchemaReviewResult {
  review: SchemaReview;
  markdown: string;
  base: { ref: string; commit: string };
}

function defaultBase(root: string): string {
  for (const ref of [process.env.ARGUS_SCHEMA_BASE, 'origin/main', 'main', 'HEAD']) {
    if (!ref) continue;
    try {
      resolveRef(root, ref);
      return ref;
    } catch {
      // try the next candidate
    }
  }
  throw new Error('no git base to compare with: pass --base <ref>');
}

/** The review the two commands print (exported for tests and CI scripts). */
export function runSchemaReview(opts: SchemaReviewOptions = {}): SchemaReviewResult {
  const root = repoRoot(opts.cwd ?? process.cwd());
  const ref = opts.base ?? defaultBase(root);
  const tip = resolveRef(root, ref);
  const commit = opts.useMergeBase === false ? tip : mergeBase(root, tip);
  const dirs = opts.dirs ?? ['schemas'];
  const review = reviewSchemas(schemasAtRef(root, commit, dirs), schemasInWorkingTree(root, dirs));
  const base = { ref: opts.useMergeBase === false ? ref : `merge-base(${ref}, HEAD)`, commit };
  return { review, markdown: markdownReport(review, base), base };
}

interface CliOpts {
  base?: string;
  mergeBase: boolean;
  dir: string[];
  output?: string;
}

function addOptions(cmd: Command): Command {
  return cmd
    .option(
      '--base <ref>',
      'git ref to compare with (default: $ARGUS_SCHEMA_BASE, origin/main, main or HEAD)',
    )
    .option('--no-merge-base', 'compare with <ref> itself instead of its merge base with HEAD')
    .option('--dir <dirs...>', 'directories holding TableSchema YAML', ['schemas'])
    .option('-o, --output <file>', 'also write the Markdown report to a file');
}

export function registerSchemaCommands(program: Command): void {
  // Another module may already own `argus schema ...` (e.g. schema export): extend it.
  const schema =
    program.commands.find((c) => c.name() === 'schema') ??
    program.command('schema').description('Table schema review');

  addOptions(
    schema
      .command('diff')
      .description('Markdown report of every TableSchema change with a compatible/breaking verdict'),
  ).action((o: CliOpts) => {
    const r = runSchemaReview({ base: o.base, useMergeBase: o.mergeBase, dirs: o.dir });
    if (o.output) writeFileSync(o.output, r.markdown);
    console.log(r.markdown);
  });

  addOptions(
    schema
      .command('check')
      .description(
        'Fail on edited published schema versions or breaking changes without a new major version',
      ),
  ).action((o: CliOpts) => {
    const r = runSchemaReview({ base: o.base, useMergeBase: o.mergeBase, dirs: o.dir });
    if (o.output) writeFileSync(o.output, r.markdown);
    if (r.review.problems.length) {
      console.error(r.markdown);
      console.error(`schema check failed: ${r.review.problems.length} problem(s)`);
      process.exitCode = 1;
    } else {
      console.log(r.markdown);
      console.log('schema check passed');
    }
  });
}

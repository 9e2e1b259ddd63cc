/** Markdown report of a schema review, for pull-request comments and terminals. */
import type { SchemaReview } from './check.ts';
import type { Change, TableDiff } from './diff.ts';

const cell = (v: unknown) => (v === undefined || v === null ? '' : `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``.replaceAll('|', '\\|'));
const badge = { breaking: '**breaking**', compatible: 'compatible', unchanged: 'unchanged' } as const;

function table(changes: readonly Change[]): string[] {
  if (!changes.length) return ['No changes.'];
  return [
    '| change | column | from | to | verdict |',
    '|---|---|---|---|---|',
    ...changes.map((c) => `| ${c.kind} | ${c.column ?? ''} | ${cell(c.from)} | ${cell(c.to)} | ${c.severity === 'breaking' ? '**breaking**' : c.severity} |`),
  ];
}

function title(d: TableDiff): string {
  const from = d.base ? `v${d.base.version}` : '(new)';
  const to = d.head ? `v${d.head.version}` : '(removed)';
  return `## ${d.name}: ${from} → ${to} — ${badge[d.verdict]}`;
}

export function markdownReport(review: SchemaReview, base: { ref: string; commit: string }): string {
  const lines = [`# Table schema review`, '', `Base: \`${base.ref}\` (${base.commit.slice(0, 12)})`, ''];
  const changed = review.diffs.filter((d) => d.verdict !== 'unchanged');
  const overall = review.problems.length ? 'fails' : changed.some((d) => d.verdict === 'breaking') ? 'breaking (new major version)' : changed.length ? 'compatible' : 'no schema changes';
  lines.push(`Verdict: **${overall}**`, '');
  for (const d of review.diffs) {
    if (d.verdict === 'unchanged' && !review.edits.some((e) => e.name === d.name)) continue;
    lines.push(title(d), '', ...table(d.changes), '');
  }
  for (const e of review.edits) {
    lines.push(`## ${e.name} v${e.version}: published version ${e.removed ? 'removed' : 'edited'} — **not allowed**`, '', `File: \`${e.file}\``, '');
    if (e.diff) lines.push(...table(e.diff.changes), '');
  }
  if (review.problems.length) lines.push('## Problems', '', ...review.problems.map((p) => `- ${p}`), '');
  return lines.join('\n');
}

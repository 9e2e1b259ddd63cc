/**
 * The schema review gate (`argus schema check`): compares the schemas of a branch with its base and
 * reports what a reviewer must not merge:
 * - a published version file edited or deleted (versions are immutable once merged);
 * - a breaking change whose new version is not a new major version;
 * - a new version that is not greater than the published one, or a version declared twice.
 */
import { diffTableSchemas, type SchemaDoc, type TableDiff } from './diff.ts';

/** Major part of `1`, `"2"`, `"1.3"`. */
export function major(v: string | number): number {
  const m = Number(String(v).split('.')[0]);
  if (!Number.isInteger(m)) throw new Error(`schema version ${JSON.stringify(v)} is not N or N.M`);
  return m;
}

export function compareVersions(a: string | number, b: string | number): number {
  const pa = String(a).split('.').map(Number);
  const pb = String(b).split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

function latest(docs: SchemaDoc[]): SchemaDoc | undefined {
  return [...docs].sort((x, y) => compareVersions(x.version, y.version)).at(-1);
}

function byName(docs: readonly SchemaDoc[]): Map<string, SchemaDoc[]> {
  const m = new Map<string, SchemaDoc[]>();
  for (const d of docs) m.set(d.name, [...(m.get(d.name) ?? []), d]);
  return m;
}

export interface SchemaReview {
  /** Latest base version vs latest head version, per schema name. */
  diffs: TableDiff[];
  /** Published versions whose content changed or that disappeared. */
  edits: { name: string; version: string | number; file: string; diff?: TableDiff; removed?: boolean }[];
  /** Why the change must not be merged (empty: ok). */
  problems: string[];
}

const spec = (d: SchemaDoc) => JSON.stringify(d.spec);

export function reviewSchemas(base: readonly SchemaDoc[], head: readonly SchemaDoc[]): SchemaReview {
  const b = byName(base);
  const h = byName(head);
  const problems: string[] = [];
  const edits: SchemaReview['edits'] = [];
  const diffs: TableDiff[] = [];
  for (const name of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const bs = b.get(name) ?? [];
    const hs = h.get(name) ?? [];
    const seen = new Map<string, SchemaDoc>();
    for (const d of hs) {
      const k = String(d.version);
      const dup = seen.get(k);
      if (dup) problems.push(`${name} version ${k} is declared twice (${dup.file}, ${d.file})`);
      seen.set(k, d);
    }
    for (const old of bs) {
      const now = hs.find((d) => String(d.version) === String(old.version));
      if (!now) {
        edits.push({ name, version: old.version, file: old.file, removed: true });
        problems.push(`published ${name} v${old.version} (${old.file}) was removed; published versions are immutable`);
      } else if (spec(now) !== spec(old)) {
        const diff = diffTableSchemas(old, now);
        edits.push({ name, version: old.version, file: now.file, diff });
        problems.push(`published ${name} v${old.version} (${now.file}) was edited; add a new version file instead (${diff.changes.map((c) => c.message).join('; ')})`);
      }
    }
    const lb = latest(bs);
    const lh = latest(hs);
    if (!lb && !lh) continue;
    const diff = diffTableSchemas(lb, lh);
    diffs.push(diff);
    if (lb && lh) {
      if (compareVersions(lh.version, lb.version) < 0) problems.push(`${name}: latest version v${lh.version} is older than the published v${lb.version}`);
      if (diff.verdict === 'breaking' && major(lh.version) <= major(lb.version)) {
        const why = diff.changes.filter((c) => c.severity === 'breaking').map((c) => c.message).join('; ');
        problems.push(`${name}: breaking change from v${lb.version} to v${lh.version} needs a new major version (v${major(lb.version) + 1}): ${why}`);
      }
    }
  }
  return { diffs, edits, problems };
}

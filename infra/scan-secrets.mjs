#!/usr/bin/env node
/**
 * Secret scan of a git repository: the working tree (tracked and untracked, not ignored) and
 * every blob in its history (all refs), with secretlint's recommended preset plus the project's
 * own rule (infra/secretlint-rule-argus.mjs: Tushare tokens, literal QMT API keys).
 * Findings are printed masked, never in clear. Exit code 1 when anything is found.
 *
 *   node infra/scan-secrets.mjs                 # this repository
 *   node infra/scan-secrets.mjs --repo /tmp/x   # another checkout
 *   node infra/scan-secrets.mjs --no-history    # working tree only (fast pre-commit check)
 *   node infra/scan-secrets.mjs --no-cache      # ignore the cache of blobs already found clean
 *
 * `.secretlintignore` (gitignore-like lines: `dir/`, `*.ext`, `path/file`) excludes paths;
 * `.secretlintrc.json` holds the same rules for the plain `npx secretlint` CLI.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { performance } from 'node:perf_hooks';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { creator as argusRule } from './secretlint-rule-argus.mjs';

const MAX_BYTES = 2_000_000;
const here = dirname(fileURLToPath(import.meta.url));

/**
 * Blob ids already found clean by these exact rules. A git blob id names immutable content, so a
 * clean verdict holds until the rules change (the cache file name carries their hash); findings
 * are never cached. Makes a re-scan of a long history take a fraction of a second.
 */
function cleanCache(enabled) {
  if (!enabled) return { has: () => false, add: () => undefined, flush: () => undefined };
  const presetVersion = JSON.parse(
    readFileSync(
      createRequire(import.meta.url).resolve('@secretlint/secretlint-rule-preset-recommend/package.json'),
      'utf8',
    ),
  ).version;
  const rulesHash = createHash('sha1')
    .update(readFileSync(join(here, 'secretlint-rule-argus.mjs')))
    .update(presetVersion)
    .digest('hex')
    .slice(0, 16);
  const home = process.env.ARGUS_HOME ?? join(here, '..', '.argus');
  const file = join(home, 'cache', `secret-scan-clean-${rulesHash}.txt`);
  const known = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  const fresh = [];
  return {
    has: (id) => known.has(id),
    add: (id) => {
      known.add(id);
      fresh.push(id);
    },
    flush: () => {
      if (!fresh.length) return;
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, fresh.join('\n') + '\n');
    },
  };
}

/** Parses `.secretlintignore` into a predicate over repo-relative paths. */
export function ignoreMatcher(repo) {
  const file = join(repo, '.secretlintignore');
  const lines = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const res = lines.map((l) => {
    const dir = l.endsWith('/');
    const body = (dir ? l.slice(0, -1) : l).replace(/^\//, '');
    const rx = body
      .replace(/[.+^$()|[\]\\]/g, '\\$&')
      .replace(/\*\*/g, '\u0000')
      .replace(/\*/g, '[^/]*')
      .replace(/\u0000/g, '.*')
      .replace(/\?/g, '[^/]');
    const anchored = l.startsWith('/') || body.includes('/') ? '^' : '(^|/)';
    return new RegExp(`${anchored}${rx}${dir ? '/' : '(/|$)'}`);
  });
  return (path) => res.some((r) => r.test(path));
}

const config = {
  rules: [
    { id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended },
    { id: 'argus/secretlint-rule-argus', rule: argusRule },
  ],
};

/**
 * secretlint's profiler keeps every performance mark in an array it searches on each new mark, and
 * the global timeline keeps them too: over a few thousand files that is quadratic (most of the
 * scan's time). Nothing reads the profile here, so drop it after each file.
 */
function dropProfile() {
  secretLintProfiler.entries.length = 0;
  secretLintProfiler.measures.length = 0;
  // Node buffers user-timing entries globally too; clear the measures (created asynchronously from
  // marks, so the marks themselves must stay until their measure exists).
  performance.clearMeasures();
}

let lintCalls = 0;
async function lint(content, filePath) {
  lintCalls++;
  dropProfile();
  const r = await lintSource({
    source: { content, filePath, ext: extname(filePath), contentType: 'text' },
    options: { config, maskSecrets: true, noPhysicFilePath: true },
  });
  return r.messages;
}

const isBinary = (buf) => buf.subarray(0, 8000).includes(0);

function git(repo, args) {
  return execFileSync('git', ['-C', repo, ...args], { maxBuffer: 1 << 30 });
}

function hasCommits(repo) {
  try {
    return git(repo, ['rev-list', '-n1', '--all']).length > 0;
  } catch {
    return false;
  }
}

/** Reads many blobs through one `git cat-file --batch` process. */
async function* blobs(repo, ids) {
  if (ids.length === 0) return;
  const child = spawn('git', ['-C', repo, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(ids.join('\n') + '\n');
  let buf = Buffer.alloc(0);
  for await (const chunk of child.stdout) {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const nl = buf.indexOf(10);
      if (nl < 0) break;
      const [id, , sizeText] = buf.subarray(0, nl).toString().split(' ');
      const size = Number(sizeText);
      if (buf.length < nl + 1 + size + 1) break;
      yield { id, data: buf.subarray(nl + 1, nl + 1 + size) };
      buf = buf.subarray(nl + 1 + size + 1);
    }
  }
}

/**
 * Scans `repo`; returns findings `{where, ruleId, message}` (messages masked).
 * @example const findings = await scanRepository('/work/main');
 */
export async function scanRepository(repo, { history = true, cache = true } = {}) {
  const ignored = ignoreMatcher(repo);
  const clean = cleanCache(cache);
  const findings = [];
  const scanned = new Set(); // git blob ids of working-tree contents: history copies are not scanned twice
  const files = git(repo, ['ls-files', '-co', '--exclude-standard', '-z'])
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    if (ignored(f)) continue;
    const p = join(repo, f);
    let data;
    try {
      data = readFileSync(p);
    } catch {
      continue; // deleted in the working tree, or a directory (submodule)
    }
    if (data.length > MAX_BYTES || isBinary(data)) continue;
    const id = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
    scanned.add(id);
    if (clean.has(id)) continue;
    const messages = await lint(data.toString('utf8'), f);
    if (messages.length === 0) clean.add(id);
    for (const m of messages) findings.push({ where: f, ruleId: m.ruleId, message: m.message });
  }
  if (history && hasCommits(repo)) {
    // Every (blob, path) reachable from any ref; a blob is scanned once, under its first path.
    const seen = new Map();
    for (const line of git(repo, ['rev-list', '--objects', '--all']).toString().split('\n')) {
      const sp = line.indexOf(' ');
      if (sp > 0 && !seen.has(line.slice(0, sp))) seen.set(line.slice(0, sp), line.slice(sp + 1));
    }
    const typed = execFileSync(
      'git',
      ['-C', repo, 'cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'],
      {
        input: [...seen.keys()].join('\n') + '\n',
        maxBuffer: 1 << 30,
      },
    )
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '))
      .filter(
        ([id, type, size]) =>
          type === 'blob' &&
          !scanned.has(id) &&
          !clean.has(id) &&
          Number(size) <= MAX_BYTES &&
          !ignored(seen.get(id)),
      )
      .map(([id]) => id);
    for await (const { id, data } of blobs(repo, typed)) {
      if (isBinary(data)) continue;
      const path = seen.get(id);
      const messages = await lint(data.toString('utf8'), path);
      if (messages.length === 0) clean.add(id);
      for (const m of messages)
        findings.push({
          where: `${path} (history, blob ${id.slice(0, 12)})`,
          ruleId: m.ruleId,
          message: m.message,
        });
    }
  }
  if (process.env.SCAN_DEBUG) console.error(`lint calls: ${lintCalls}`);
  clean.flush();
  return findings;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--repo');
  const repo = i >= 0 ? args[i + 1] : join(new URL('.', import.meta.url).pathname, '..');
  const t0 = Date.now();
  const findings = await scanRepository(repo, {
    history: !args.includes('--no-history'),
    cache: !args.includes('--no-cache'),
  });
  for (const f of findings) console.log(`${f.where}: ${f.message} [${f.ruleId}]`);
  const took = ((Date.now() - t0) / 1000).toFixed(1);
  if (findings.length) {
    console.log(
      `secret scan: ${findings.length} finding(s) in ${repo} (${took}s). Remove the credential (and rewrite history if it was committed), rotate it, and reference it as \${secret:kv/...#key} instead.`,
    );
    process.exitCode = 1;
  } else {
    console.log(
      `secret scan: clean (${repo}, working tree${args.includes('--no-history') ? '' : ' and history'}, ${took}s)`,
    );
  }
}

#!/usr/bin/env node
// First step of `npm test` on a fresh clone: install the npm dependencies if they are missing or
// older than the lock file, then install (idempotently, cached under .argus/) every real service
// the tests use. Plain JS on purpose: it runs before node_modules (and so tsx) exists.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  console.log('bootstrap: installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (existsSync(join(root, 'bin', 'argus-services.mjs'))) {
  run(process.execPath, [join(root, 'bin', 'argus-services.mjs'), 'install']);
}

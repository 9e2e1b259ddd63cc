#!/usr/bin/env -S node --max-semi-space-size=64
// `npm run bench -- <name...> [--runs N]`: runs bench/<name>.bench.ts files. TypeScript runs through tsx.
// Node flags as bin/argus.mjs's (Argus is measured as it runs).
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');

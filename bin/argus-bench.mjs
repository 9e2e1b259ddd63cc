#!/usr/bin/env node
// `npm run bench -- <name...> [--runs N]`: runs bench/<name>.bench.ts files. TypeScript runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');

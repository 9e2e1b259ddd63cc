#!/usr/bin/env -S node --max-semi-space-size=64
// The `argus` command. TypeScript sources run through tsx, so a clone works without a build step.
// A 64 MiB young generation (V8's default is 16): column batches are short-lived arrays, and with
// the default most of them survive a scavenge or two and get copied or promoted. Measured: ~7% less
// CPU for a Gold backfill chunk, ~20% for the Gold chain, 4x less promotion in Bronze (README,
// Performance). `node bin/argus.mjs` needs the flag given (see package.json's scripts).
import { register } from 'tsx/esm/api';

register();
await import('../argus.ts');

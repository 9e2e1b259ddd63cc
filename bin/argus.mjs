#!/usr/bin/env node
// The `argus` command. TypeScript sources run through tsx, so a clone works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../argus.ts');

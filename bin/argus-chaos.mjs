#!/usr/bin/env node
// `npm run chaos -- [--symbols N] [--only a,b]`: the chaos suite on the real services (test/chaos/main.ts).
import { register } from 'tsx/esm/api';

register();
await import('../test/chaos/main.ts');

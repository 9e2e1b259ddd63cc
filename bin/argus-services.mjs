#!/usr/bin/env node
// `npm run services -- install|up|down|status|restart [names...]`. TypeScript runs through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../infra/cli.ts');

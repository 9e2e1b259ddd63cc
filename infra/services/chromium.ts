/** Chromium from Debian, for headless dashboard tests (playwright-core with executablePath). */
import { existsSync } from 'node:fs';
import type { ServiceDefinition } from '../service.ts';
import { aptEnsure, aptInstalled } from '../lib/apt.ts';

const BIN = '/usr/bin/chromium';

const chromium: ServiceDefinition = {
  name: 'chromium',
  description: 'Chromium (Debian), headless',
  installed: () => aptInstalled('chromium') && existsSync(BIN),
  install: (ctx) => aptEnsure(['chromium'], ctx.log, ctx.progress),
  start: async () => ({
    endpoint: {
      chromium: BIN,
      flags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  }),
  check: async () => existsSync(BIN),
};

export default chromium;

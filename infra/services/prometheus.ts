/**
 * Prometheus tools from Debian: `promtool` (rule checks and rule unit tests), `amtool`, and the
 * `prometheus` / `prometheus-alertmanager` server binaries, which tests start on demand on a
 * loopback port. Tool-only: "up" records the paths.
 */
import { existsSync } from 'node:fs';
import type { ServiceDefinition } from '../service.ts';
import { aptEnsure, aptInstalled } from '../lib/apt.ts';

const PATHS = {
  promtool: '/usr/bin/promtool',
  amtool: '/usr/bin/amtool',
  prometheus: '/usr/bin/prometheus',
  alertmanager: '/usr/bin/prometheus-alertmanager',
};

const prometheus: ServiceDefinition = {
  name: 'prometheus',
  description: 'Prometheus, promtool, Alertmanager, amtool (Debian)',
  installed: () =>
    aptInstalled('prometheus') && aptInstalled('prometheus-alertmanager') && existsSync(PATHS.promtool),
  install: (ctx) => aptEnsure(['prometheus', 'prometheus-alertmanager'], ctx.log, ctx.progress),
  start: async () => ({
    endpoint: { ...PATHS, amtool: existsSync(PATHS.amtool) ? PATHS.amtool : undefined },
  }),
  check: async () => existsSync(PATHS.promtool),
};

export default prometheus;

/**
 * Global setup of the vitest `integration` project: installs (if needed) and starts every real
 * service, reusing the ones already running (per `.argus/run/<name>.json`), and at teardown stops
 * only those it started that no other test run still uses (see leases in infra/manager.ts).
 *
 * ARGUS_SERVICES=kafka,redis limits which ones (default: all) for a faster inner loop.
 */
import { acquireServices, releaseServices } from '../../infra/manager.ts';

const progress = (msg: string) => console.error(`[services] ${msg}`);

export default async function setup(): Promise<() => Promise<void>> {
  const names = (process.env.ARGUS_SERVICES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  await acquireServices(names, progress);
  return async () => {
    await releaseServices(progress);
  };
}

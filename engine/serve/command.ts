/**
 * `argus serve`: the built-in web dashboard (score trend, consistency heatmap, quota bars,
 * quarantine list, alerts, storage) from the engine's own data.
 *
 * @example argus serve --port 8080 --metrics-url http://127.0.0.1:9464/metrics
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createLake } from '../lake/index.ts';
import { scorePolicy } from './bands.ts';
import { startDashboard } from './server.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the data-quality dashboard (binds 127.0.0.1 by default)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '8080')
    .option('--lake <dir>', 'lake root (default $ARGUS_LAKE or ./lake)')
    .option('--alerts-dir <dir>', 'alerts backend state directory', '.argus/state/alerts')
    .option('--metrics-url <url>', "the engine's /metrics (argus run --metrics-port) for quota bars")
    .option('--days <n>', 'days in the trend and heatmap', '30')
    .action(
      async (o: {
        host: string;
        port: string;
        lake?: string;
        alertsDir: string;
        metricsUrl?: string;
        days: string;
      }) => {
        const root = process.cwd();
        const { bands, monthlyTarget } = scorePolicy(root);
        const metricsUrl = o.metricsUrl;
        const srv = await startDashboard({
          host: o.host,
          port: Number(o.port),
          days: Number(o.days),
          sources: {
            lake: createLake(resolve(root, o.lake ?? process.env.ARGUS_LAKE ?? 'lake')),
            alertsDir: resolve(root, o.alertsDir),
            bands,
            monthlyTarget,
            metrics: metricsUrl
              ? async () => {
                  const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(3000) });
                  if (!res.ok) throw new Error(`GET ${metricsUrl}: HTTP ${res.status}`);
                  return res.text();
                }
              : undefined,
          },
        });
        if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1')
          console.error(
            `argus serve: warning: listening on ${o.host}, reachable from other machines (no authentication)`,
          );
        console.log(`argus serve: dashboard at ${srv.url}/`);
        const stop = () => void srv.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );
}

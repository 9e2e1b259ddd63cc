/**
 * The `argus serve` HTTP server: the dashboard page, its data as JSON, and `/metrics` with the
 * lake's storage gauges (`argus_lake_table_bytes`, `argus_lake_table_files`) for Grafana's
 * storage-cost panel. Binds 127.0.0.1 unless told otherwise.
 *
 * @example
 * const srv = await startDashboard({ sources: { lake: createLake('lake'), alertsDir: '.argus/state/alerts' } });
 * console.log(srv.url); await srv.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics } from '../observability/metrics.ts';
import { loadDashboard, storage, type DashboardSources } from './data.ts';
import { renderDashboard } from './render.ts';

export interface DashboardOptions {
  sources: DashboardSources;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Days shown in the trend and heatmap (default 30). */
  days?: number;
  refreshSeconds?: number;
}

export interface RunningDashboard {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startDashboard(o: DashboardOptions): Promise<RunningDashboard> {
  const metrics = createMetrics();
  const bytes = metrics.gauge(
    'argus_lake_table_bytes',
    'Bytes of live data files per Delta table (storage cost)',
    ['table'],
  );
  const files = metrics.gauge('argus_lake_table_files', 'Live data files per Delta table', ['table']);

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method !== 'GET') return void res.writeHead(405).end('method not allowed');
      if (url.pathname === '/healthz')
        return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      if (url.pathname === '/metrics') {
        for (const t of await storage(o.sources.lake)) {
          bytes.set({ table: t.table }, t.bytes);
          files.set({ table: t.table }, t.files);
        }
        return void res
          .writeHead(200, { 'content-type': metrics.registry.contentType })
          .end(await metrics.registry.metrics());
      }
      const month = url.searchParams.get('month') ?? undefined;
      if (month && !/^\d{4}-\d{2}$/.test(month)) return void res.writeHead(400).end('month must be YYYY-MM');
      const days = Number(url.searchParams.get('days') ?? o.days ?? 30);
      if (url.pathname === '/api/dashboard') {
        const data = await loadDashboard(o.sources, { month, days });
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data));
      }
      if (url.pathname === '/') {
        const html = renderDashboard(await loadDashboard(o.sources, { month, days }), {
          refreshSeconds: o.refreshSeconds,
        });
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      }
      res.writeHead(404).end('not found');
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`dashboard error: ${(err as Error).message}`);
    }
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

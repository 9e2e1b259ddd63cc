/**
 * `argus run <paths...> [--watch]`: run every pipeline in the specs until its sources end, or until
 * SIGINT/SIGTERM, which drains in-flight batches before exiting. `--watch` hot-reloads on edits.
 */
import { createServer } from 'node:http';
import type { Command } from 'commander';
import { watchAndReload } from '../../reload/watch.ts';
import { Engine, type ReloadResult } from '../../runtime/engine.ts';
import { formatError } from '../../spec/errors.ts';
import type { CliSetup } from '../program.ts';
import { specPaths } from '../paths.ts';

export function registerRunCommand(program: Command, setup: CliSetup): void {
  program
    .command('run')
    .description('Run the pipelines found in the given specs')
    .argument('<paths...>', 'YAML files or directories (policies/ and schemas/ are always loaded)')
    .option('-w, --watch', 'hot-reload when pipelines, policies or schemas change')
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port>/metrics')
    .action(async (given: string[], opts: { watch?: boolean; metricsPort?: string }) => {
      const paths = specPaths(given);
      const engine = Engine.create({
        registry: setup.registry,
        backends: setup.backends(),
        secrets: setup.secrets?.(),
      });
      const errors = await engine.load(paths);
      if (errors.length) {
        console.error(errors.map(formatError).join('\n') + `\n${errors.length} error(s)`);
        process.exitCode = 1;
        return;
      }
      const server = opts.metricsPort ? serveMetrics(engine, Number(opts.metricsPort)) : undefined;
      let signalled!: (signal: string) => void;
      const interrupted = new Promise<string>((resolve) => (signalled = resolve));
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.on(sig, () => (stopping ? process.exit(130) : signalled(sig))); // a second signal does not wait
      }
      let stopping = false;
      await engine.start();
      engine.logger.info({ pipelines: [...engine.graphs.keys()] }, 'running');
      const watcher = opts.watch ? watchAndReload(engine, paths, (r) => report(engine, r)) : undefined;
      const signal = await Promise.race([
        interrupted,
        opts.watch ? new Promise<never>(() => {}) : engine.done().then(() => undefined),
      ]);
      stopping = true;
      if (signal) engine.logger.info({ signal }, 'stopping: draining in-flight batches');
      await watcher?.close();
      await engine.stop();
      server?.close();
      if (engine.failures.length) process.exitCode = 1;
    });
}

function report(engine: Engine, r: ReloadResult): void {
  if (r.outcome === 'applied') engine.logger.info({ pipelines: r.pipelines }, 'reload applied');
  else if (r.outcome === 'invalid')
    engine.logger.error(
      { errors: r.errors.map(formatError) },
      'reload rejected: the running graph keeps running',
    );
  else engine.logger.error({ error: r.error }, 'reload rolled back');
}

function serveMetrics(engine: Engine, port: number) {
  const server = createServer(async (req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.setHeader('Content-Type', engine.env.metrics.registry.contentType);
    res.end(await engine.env.metrics.registry.metrics());
  });
  server.listen(port, '127.0.0.1');
  return server;
}

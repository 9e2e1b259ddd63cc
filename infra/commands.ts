/**
 * The `services` commands: install, up, down, status, restart of the provisioned services.
 * `infra/cli.ts` runs them standalone; the lead can also mount them under `argus services`.
 *
 * @example
 *   npm run services -- install          # everything (idempotent, < 2 s when installed)
 *   npm run services -- up kafka redis   # start on free loopback ports (reuses running ones)
 *   npm run services -- status           # table
 *   npm run services -- down             # stop all
 */
import { Command } from 'commander';
import { downServices, installServices, restartService, statusRows, upServices } from './manager.ts';
import { stateFile } from './lib/paths.ts';

const progress = (msg: string) => console.error(`[services] ${msg}`);

/** Registers the `services` sub-commands on a commander program (also used standalone). */
export function registerServicesCommands(program: Command): Command {
  program
    .command('install')
    .description('install services (all when none named); idempotent, cached under .argus/')
    .argument('[names...]')
    .action(async (names: string[]) => {
      const t0 = Date.now();
      await installServices(names, progress);
      progress(`all installed (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    });
  program
    .command('up')
    .description('install if needed and start services on free loopback ports (reuses running ones)')
    .argument('[names...]')
    .action(async (names: string[]) => {
      const { records, started } = await upServices(names, progress);
      for (const [name, rec] of Object.entries(records)) {
        if (!started.includes(name) && rec.pid)
          progress(`${name}: already running (pid ${rec.pid}, port ${rec.port})`);
        progress(`${name}: state in ${stateFile(name)}`);
      }
    });
  program
    .command('down')
    .description('stop services (all when none named)')
    .argument('[names...]')
    .action(async (names: string[]) => downServices(names, progress));
  program
    .command('restart')
    .description('restart a running daemon in place (same port, same data)')
    .argument('<name>')
    .option('--hard', 'SIGKILL instead of a clean shutdown')
    .action(async (name: string, o: { hard?: boolean }) => {
      await restartService(name, { hard: o.hard }, progress);
    });
  program
    .command('status')
    .description('table of services: installed, running, pid, endpoint')
    .action(async () => {
      const rows = await statusRows();
      const table = [
        ['service', 'installed', 'running', 'pid', 'endpoint'],
        ...rows.map((r) => [
          r.name,
          r.installed ? 'yes' : 'no',
          r.running ? 'yes' : 'no',
          r.pid ? String(r.pid) : '-',
          r.endpoint || '-',
        ]),
      ];
      const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
      for (const r of table)
        console.log(
          r
            .map((c, i) => c.padEnd(widths[i]))
            .join('  ')
            .trimEnd(),
        );
    });
  return program;
}

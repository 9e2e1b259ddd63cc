/** `argus validate <paths...>`: load, check and compile every spec; exit 1 on any error. */
import type { Command } from 'commander';
import pino from 'pino';
import { Engine } from '../../runtime/engine.ts';
import { formatError } from '../../spec/errors.ts';
import type { CliSetup } from '../program.ts';
import { specPaths } from '../paths.ts';

export function registerValidateCommand(program: Command, setup: CliSetup): void {
  program
    .command('validate')
    .description('Validate specs (files or directories); reports every error with file:line:col')
    .argument('<paths...>', 'YAML files or directories')
    .option('--format <format>', 'text or json', 'text')
    .action(async (paths: string[], opts: { format: string }) => {
      const engine = Engine.create({
        registry: setup.registry,
        backends: setup.backends(),
        logger: pino({ level: 'silent' }),
      });
      engine.env.validateOnly = true;
      const errors = await engine.load(specPaths(paths));
      for (const g of engine.graphs.values()) await g.close();
      if (opts.format === 'json') console.log(JSON.stringify({ ok: errors.length === 0, errors }, null, 2));
      else if (errors.length)
        console.error(errors.map(formatError).join('\n') + `\n${errors.length} error(s)`);
      else console.log(`ok: ${engine.env.docs.length} document(s), ${engine.graphs.size} pipeline(s)`);
      process.exitCode = errors.length ? 1 : 0;
    });
}

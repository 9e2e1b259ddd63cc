/** Entry of `npm run services -- <command>` (bin/argus-services.mjs imports this). */
import { Command } from 'commander';
import { registerServicesCommands } from './commands.ts';

const program = registerServicesCommands(
  new Command('argus-services').description('Real services for Argus tests and local runs'),
);
try {
  await program.parseAsync(process.argv);
} catch (e) {
  console.error(`[services] error: ${(e as Error).message}`);
  process.exitCode = 1;
}

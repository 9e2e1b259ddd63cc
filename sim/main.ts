/**
 * Stand-alone entry for the simulator until `argus sim` is wired into the CLI:
 * `npx tsx sim/main.ts sim --symbols 5400`.
 */
import { Command } from 'commander';
import { registerSimCommand } from './command.ts';

const program = new Command('argus');
registerSimCommand(program);
await program.parseAsync(process.argv);

/**
 * The engine's command line. The composition root (`argus.ts`) builds the registry and passes the
 * extra commands that plug-ins contribute (tables, simulator, ...), so the engine knows none of them.
 */
import { Command } from 'commander';
import type { Registry } from '../registry/registry.ts';
import type { SecretResolver } from '../api/index.ts';
import type { BackendFactory } from '../runtime/env.ts';
import { registerDocsCommand } from './commands/docs.ts';
import { registerGraphCommand } from './commands/graph.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerSchemaExportCommand } from './commands/schema-export.ts';
import { registerTestCommand } from './commands/test.ts';
import { registerValidateCommand } from './commands/validate.ts';

export interface CliSetup {
  registry: Registry;
  /** Backend factories by role (`bus`, `kv`, `secrets`, `lake`, ...), chosen from the environment. */
  backends: () => Record<string, BackendFactory>;
  /** Resolves `${secret:...}` references (env or Vault, chosen from the environment). */
  secrets?: () => SecretResolver;
  /** Commands contributed by plug-ins. */
  commands?: ((program: Command, setup: CliSetup) => void)[];
}

export function buildProgram(setup: CliSetup): Command {
  const program = new Command('argus')
    .description('Argus: a declarative dataflow engine for a trustworthy daily A-share gold table')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  registerValidateCommand(program, setup);
  registerRunCommand(program, setup);
  registerGraphCommand(program, setup);
  registerTestCommand(program, setup);
  registerDocsCommand(program, setup);
  registerSchemaExportCommand(program, setup);
  for (const add of setup.commands ?? []) add(program, setup);
  return program;
}

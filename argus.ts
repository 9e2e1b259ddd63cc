/**
 * Composition root of the `argus` command: the generic engine CLI with Argus's operators, spec
 * kinds, backends and commands plugged in. The engine itself imports nothing from operators/.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatError, SpecErrors } from './engine/spec/errors.ts';
import type { Command } from 'commander';
import { buildProgram, type CliSetup } from './engine/cli/program.ts';
import { discover } from './engine/registry/discover.ts';
import { Registry } from './engine/registry/registry.ts';
import { pipelineKind } from './engine/spec/pipeline-kind.ts';
import { pipelineTestKind } from './engine/spec/pipeline-test-kind.ts';
import tableSchemaKind from './engine/lake/table-schema-kind.ts';
import topicKind from './engine/backends/bus/topic-kind.ts';
import { backendsFromEnv } from './engine/backends/from-env.ts';
import { registerSchemaCommands } from './engine/cli/commands/schema.ts';
import { registerTableCommands } from './engine/cli/commands/table.ts';
import { registerQueryCommand } from './engine/cli/commands/query.ts';
import { registerQualityCommand } from './engine/cli/commands/quality.ts';
import { registerBackfillCommand } from './engine/cli/commands/backfill.ts';
import { registerDailyCommand } from './engine/cli/commands/daily.ts';
import { registerServeCommand } from './engine/serve/command.ts';
import { registerQuotaCommand } from './engine/backends/quota/command.ts';
import { registerServicesCommands } from './infra/commands.ts';
import { registerSimCommand } from './sim/command.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** The registry of everything built in: engine kinds plus the operators/ and operators/kinds/ modules. */
export async function argusRegistry(): Promise<Registry> {
  const registry = new Registry([pipelineKind, pipelineTestKind, tableSchemaKind, topicKind]);
  await discover(registry, join(here, 'operators'));
  return registry;
}

async function main(): Promise<void> {
  const registry = await argusRegistry();
  const program = buildProgram({
    registry,
    backends: () => backendsFromEnv(),
    commands: [
      ...[
        registerSchemaCommands,
        registerTableCommands,
        registerQueryCommand,
        registerBackfillCommand,
        registerDailyCommand,
        registerQualityCommand,
        registerQuotaCommand,
        registerServeCommand,
        registerSimCommand,
      ].map((register) => (p: Command, setup: CliSetup) => void register(p, setup)),
      (p: Command) =>
        void registerServicesCommands(
          p.command('services').description('Install, start and stop the real services on loopback'),
        ),
    ],
  });
  await program.parseAsync(process.argv);
}

if (process.argv[1] && /argus(\.ts|\.mjs)?$/.test(process.argv[1])) {
  main().catch((err) => {
    console.error(
      err instanceof SpecErrors ? err.errors.map(formatError).join('\n') : `argus: ${(err as Error).message}`,
    );
    process.exitCode = 1;
  });
}

/** `argus test <files...>`: run PipelineTest documents; exit 1 if any case fails. */
import type { Command } from 'commander';
import type { SpecDoc } from '../../api/index.ts';
import { formatError } from '../../spec/errors.ts';
import { loadPaths } from '../../spec/load.ts';
import type { PipelineTestSpec } from '../../spec/pipeline-test-kind.ts';
import { runPipelineTest } from '../../testing/pipeline-test.ts';
import type { CliSetup } from '../program.ts';
import { specPaths } from '../paths.ts';

export function registerTestCommand(program: Command, setup: CliSetup): void {
  program
    .command('test')
    .description('Run PipelineTest specs: given inputs per source node, check the output per node')
    .argument('<paths...>', 'PipelineTest files or directories')
    .action(async (paths: string[]) => {
      const { docs, errors } = loadPaths(paths, setup.registry);
      if (errors.length) {
        console.error(errors.map(formatError).join('\n'));
        process.exitCode = 1;
        return;
      }
      let failed = 0;
      let passed = 0;
      for (const t of docs.filter((d) => d.kind === 'PipelineTest') as SpecDoc<PipelineTestSpec>[]) {
        for (const r of await runPipelineTest(t, setup.registry, specPaths([]))) {
          if (r.failures.length) {
            failed++;
            console.log(`✗ ${t.metadata.name} › ${r.name}\n    ${r.failures.join('\n    ')}`);
          } else {
            passed++;
            console.log(`✓ ${t.metadata.name} › ${r.name}`);
          }
        }
      }
      console.log(`${passed} passed, ${failed} failed`);
      process.exitCode = failed ? 1 : 0;
    });
}

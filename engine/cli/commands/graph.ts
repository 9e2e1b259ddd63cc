/** `argus graph <pipeline> --format mermaid|dot`: draw a pipeline's graph. */
import type { Command } from 'commander';
import type { Plan } from '../../compiler/plan.ts';
import { planPipeline } from '../../compiler/plan.ts';
import type { SpecDoc } from '../../api/index.ts';
import { formatError } from '../../spec/errors.ts';
import { loadPaths } from '../../spec/load.ts';
import type { PipelineSpec } from '../../spec/pipeline-kind.ts';
import type { CliSetup } from '../program.ts';

export function registerGraphCommand(program: Command, setup: CliSetup): void {
  program
    .command('graph')
    .description('Draw the graph of a pipeline file')
    .argument('<pipeline>', 'pipeline YAML file')
    .option('--format <format>', 'mermaid or dot', 'mermaid')
    .action((file: string, opts: { format: string }) => {
      const { docs, errors } = loadPaths([file], setup.registry);
      const pipelines = docs.filter((d) => d.kind === 'Pipeline') as SpecDoc<PipelineSpec>[];
      const planned = pipelines.map((d) => planPipeline(d, setup.registry));
      const all = [...errors, ...planned.flatMap((p) => p.errors)];
      if (all.length || pipelines.length === 0) {
        console.error(all.length ? all.map(formatError).join('\n') : `${file}: no Pipeline document`);
        process.exitCode = 1;
        return;
      }
      for (const { plan } of planned) console.log(opts.format === 'dot' ? toDot(plan) : toMermaid(plan));
    });
}

const edges = (plan: Plan) =>
  [...plan.nodes.values()].flatMap((n) => n.inputs.map((e) => ({ from: e.from, port: e.port, to: n.id })));

export function toMermaid(plan: Plan): string {
  const shape = (role: string, label: string) =>
    role === 'source' ? `([${label}])` : role === 'sink' ? `[(${label})]` : `[${label}]`;
  const lines = [`flowchart LR`, `  %% pipeline ${plan.name}`];
  for (const n of plan.nodes.values())
    lines.push(`  ${n.id}${shape(n.def.role, `"${n.id}<br/><small>${n.def.type}</small>"`)}`);
  for (const e of edges(plan))
    lines.push(e.port === 'out' ? `  ${e.from} --> ${e.to}` : `  ${e.from} -- ${e.port} --> ${e.to}`);
  return lines.join('\n');
}

export function toDot(plan: Plan): string {
  const shape = (role: string) => (role === 'source' ? 'ellipse' : role === 'sink' ? 'cylinder' : 'box');
  const lines = [`digraph "${plan.name}" {`, '  rankdir=LR;'];
  for (const n of plan.nodes.values())
    lines.push(`  ${n.id} [label="${n.id}\\n(${n.def.type})", shape=${shape(n.def.role)}];`);
  for (const e of edges(plan))
    lines.push(`  ${e.from} -> ${e.to}${e.port === 'out' ? '' : ` [label="${e.port}"]`};`);
  lines.push('}');
  return lines.join('\n');
}

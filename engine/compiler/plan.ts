/**
 * Compiles a Pipeline document into a graph plan: nodes with resolved definitions, input edges and
 * output ports. Collects every structural error before anything runs: duplicate ids, unknown
 * inputs or ports, sources with inputs, nodes nobody reads, and cycles.
 */
import type { OperatorDefinition, SpecDoc } from '../api/index.ts';
import { portsOf } from '../api/index.ts';
import type { Registry } from '../registry/registry.ts';
import type { SpecError } from '../spec/errors.ts';
import { errorAt } from '../spec/load.ts';
import type { NodeSpec, PipelineSpec } from '../spec/pipeline-kind.ts';
import type { Problem } from '../spec/schema-check.ts';
import { didYouMean } from '../spec/suggest.ts';

export interface Edge {
  from: string;
  port: string;
}

export interface PlannedNode {
  id: string;
  index: number;
  spec: NodeSpec;
  def: OperatorDefinition;
  inputs: Edge[];
  /** Output ports besides `error`. */
  ports: readonly string[];
}

export interface Plan {
  doc: SpecDoc<PipelineSpec>;
  name: string;
  nodes: Map<string, PlannedNode>;
  /** Consumers of each `node.port`. */
  consumers: Map<string, string[]>;
}

export function parseInput(ref: string): Edge {
  const [from, port = 'out'] = ref.split('.');
  return { from, port };
}

export function planPipeline(
  doc: SpecDoc<PipelineSpec>,
  registry: Registry,
): { plan: Plan; errors: SpecError[] } {
  const problems: Problem[] = [];
  const nodes = new Map<string, PlannedNode>();
  const unknownTypes = new Set<string>(); // reported by the loader; do not report their edges again
  doc.spec.nodes.forEach((spec, index) => {
    const def = registry.operators.resolve(spec.type, (spec.inputs ?? []).length > 0);
    if (nodes.has(spec.id))
      problems.push({
        pointer: `/spec/nodes/${index}/id`,
        message: `duplicate node id "${spec.id}"`,
        hint: 'node ids must be unique',
      });
    if (!def) return void unknownTypes.add(spec.id);
    nodes.set(spec.id, {
      id: spec.id,
      index,
      spec,
      def,
      inputs: (spec.inputs ?? []).map(parseInput),
      ports: portsOf(def, spec.config ?? {}),
    });
  });
  const consumers = new Map<string, string[]>();
  for (const n of nodes.values()) {
    const at = (j: number) => `/spec/nodes/${n.index}/inputs/${j}`;
    if (n.def.role === 'source' && n.inputs.length > 0)
      problems.push({
        pointer: `/spec/nodes/${n.index}/inputs`,
        message: `source "${n.id}" takes no inputs`,
      });
    if (n.def.role !== 'source' && n.inputs.length === 0)
      problems.push({
        pointer: `/spec/nodes/${n.index}`,
        message: `node "${n.id}" is unconnected: it has no inputs`,
        hint: 'add inputs: [<node id>]',
      });
    n.inputs.forEach((e, j) => {
      const up = nodes.get(e.from);
      if (!up && unknownTypes.has(e.from)) return;
      if (!up) {
        problems.push({
          pointer: at(j),
          message: `unknown input node "${e.from}"`,
          hint: didYouMean(e.from, nodes.keys()),
        });
        return;
      }
      if (up.def.role === 'sink') {
        problems.push({ pointer: at(j), message: `"${e.from}" is a sink and has no output ports` });
        return;
      }
      if (e.port !== 'error' && !up.ports.includes(e.port)) {
        problems.push({
          pointer: at(j),
          message: `node "${e.from}" has no port "${e.port}"`,
          hint: didYouMean(e.port, [...up.ports, 'error']) ?? `ports: ${[...up.ports, 'error'].join(', ')}`,
        });
        return;
      }
      const key = `${e.from}.${e.port}`;
      consumers.set(key, [...(consumers.get(key) ?? []), n.id]);
    });
  }
  // A node listed in anyone's inputs is connected (a wrong port there is reported on its own).
  const readers = new Set(doc.spec.nodes.flatMap((n) => (n.inputs ?? []).map((i) => parseInput(i).from)));
  for (const n of nodes.values()) {
    if (n.def.role === 'sink' || readers.has(n.id)) continue;
    problems.push({
      pointer: `/spec/nodes/${n.index}`,
      message: `node "${n.id}" is unconnected: nothing reads its output`,
      hint: `add "${n.id}" to the inputs of a sink`,
    });
  }
  problems.push(...findCycles(nodes));
  const plan: Plan = { doc, name: doc.metadata.name, nodes, consumers };
  return { plan, errors: problems.map((p) => errorAt(doc, p)) };
}

function findCycles(nodes: Map<string, PlannedNode>): Problem[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const problems: Problem[] = [];
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      const n = nodes.get(id)!;
      problems.push({
        pointer: `/spec/nodes/${n.index}/inputs`,
        message: `cycle: ${cycle.reverse().join(' → ')}`,
        hint: 'a pipeline must be acyclic',
      });
      return;
    }
    state.set(id, 'visiting');
    for (const e of nodes.get(id)?.inputs ?? []) if (nodes.has(e.from)) visit(e.from, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of nodes.keys()) visit(id, []);
  return problems;
}

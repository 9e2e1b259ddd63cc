/** Node-level checks of a Pipeline that need the operator registry: known types, valid configs. */
import type { OperatorRegistry } from '../registry/operators.ts';
import type { PipelineSpec } from './pipeline-kind.ts';
import { checkSchema, type Problem } from './schema-check.ts';
import { didYouMean } from './suggest.ts';

export function checkPipelineNodes(spec: PipelineSpec, operators: OperatorRegistry): Problem[] {
  const problems: Problem[] = [];
  spec.nodes.forEach((node, i) => {
    const def = operators.resolve(node.type, (node.inputs ?? []).length > 0);
    if (!def) {
      problems.push({
        pointer: `/spec/nodes/${i}/type`,
        message: `unknown operator type "${node.type}"`,
        hint: didYouMean(node.type, operators.types()) ?? `known types: ${operators.types().join(', ')}`,
      });
      return;
    }
    problems.push(...checkSchema(def.configSchema, node.config ?? {}, `/spec/nodes/${i}/config`));
  });
  return problems;
}

/**
 * The operator registry: one definition per YAML `type` and role. A type may exist as a source and
 * as a sink (`file`); a node with inputs resolves to the transform or sink, one without to the source.
 */
import type { OperatorDefinition, OperatorRole } from '../api/index.ts';

export class OperatorRegistry {
  private readonly defs = new Map<string, Map<OperatorRole, OperatorDefinition>>();

  register(def: OperatorDefinition): void {
    if (!def || typeof def.type !== 'string' || typeof def.create !== 'function') {
      throw new Error(
        'not an operator definition: expected {type, role, description, configSchema, examples, create}',
      );
    }
    const roles = this.defs.get(def.type) ?? new Map<OperatorRole, OperatorDefinition>();
    if (roles.has(def.role) || (def.role !== 'source' && [...roles.keys()].some((r) => r !== 'source'))) {
      throw new Error(`operator type "${def.type}" is registered twice`);
    }
    roles.set(def.role, def);
    this.defs.set(def.type, roles);
  }

  /** The definition a node of this type resolves to, given whether it has inputs. */
  resolve(type: string, hasInputs: boolean): OperatorDefinition | undefined {
    const roles = this.defs.get(type);
    if (!roles) return undefined;
    if (!hasInputs) return roles.get('source') ?? roles.get('transform') ?? roles.get('sink');
    return roles.get('transform') ?? roles.get('sink') ?? roles.get('source');
  }

  types(): string[] {
    return [...this.defs.keys()].sort();
  }

  all(): OperatorDefinition[] {
    return this.types().flatMap((t) => [...this.defs.get(t)!.values()]);
  }
}

/** The operator registry: one definition per YAML `type`; duplicates are refused. */
import type { OperatorDefinition } from '../api/index.ts';

export class OperatorRegistry {
  private readonly defs = new Map<string, OperatorDefinition>();

  register(def: OperatorDefinition): void {
    if (!def || typeof def.type !== 'string' || typeof def.create !== 'function') {
      throw new Error('not an operator definition: expected {type, role, description, configSchema, examples, create}');
    }
    if (this.defs.has(def.type)) throw new Error(`operator type "${def.type}" is registered twice`);
    this.defs.set(def.type, def);
  }

  get(type: string): OperatorDefinition | undefined {
    return this.defs.get(type);
  }

  types(): string[] {
    return [...this.defs.keys()].sort();
  }

  all(): OperatorDefinition[] {
    return this.types().map((t) => this.defs.get(t)!);
  }
}

/** Everything the engine can build from: operator types and spec kinds. */
import type { SpecKind } from '../api/index.ts';
import { KindRegistry } from '../spec/kinds.ts';
import { OperatorRegistry } from './operators.ts';

export class Registry {
  readonly operators = new OperatorRegistry();
  readonly kinds = new KindRegistry();

  constructor(kinds: SpecKind<any>[] = []) {
    for (const k of kinds) this.kinds.register(k);
  }
}

/**
 * Builds a child source from its YAML `type`, found the way the engine discovers operators
 * (`operators/sources/<type>.ts`, default export). Done in `start()`: importing is I/O.
 */
import { Ajv } from 'ajv';
import type { Context, OperatorDefinition, Source } from '../../../engine/api/index.ts';

// The engine validates the failover node's own config; the nested child configs are checked here,
// against the child's schema, so a typo there is as clear as anywhere else.
const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });

const TYPE = /^[a-z][a-z0-9_]*$/;

export function checkSourceType(type: string, where: string): void {
  if (!TYPE.test(type))
    throw new Error(`${where}: "${type}" is not an operator type name (lower_snake_case)`);
  if (type === 'failover') throw new Error(`${where}: a failover source cannot wrap another failover source`);
}

export async function loadSource(
  type: string,
  config: unknown,
  ctx: Context,
  where: string,
): Promise<Source> {
  let def: OperatorDefinition | undefined;
  try {
    def = (await import(new URL(`../../sources/${type}.ts`, import.meta.url).href))
      .default as OperatorDefinition;
  } catch (err) {
    throw new Error(
      `${where}: no source operator "${type}" (operators/sources/${type}.ts): ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!def || def.role !== 'source') throw new Error(`${where}: operator "${type}" is not a source`);
  const validate = ajv.compile(def.configSchema);
  if (!validate(config ?? {})) {
    const problems = (validate.errors ?? []).map(
      (e) =>
        `${where}/config${e.instancePath} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`,
    );
    throw new Error(`invalid ${type} config:\n  ${problems.join('\n  ')}`);
  }
  const inst = await def.create(config ?? {}, ctx);
  if (inst.kind !== 'source') throw new Error(`${where}: operator "${type}" did not create a source`);
  return inst;
}

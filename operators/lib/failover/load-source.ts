/**
 * Builds a child source from its YAML `type`, found the way the engine discovers operators
 * (`operators/sources/<type>.ts`, default export). Done in `start()`: importing is I/O.
 */
import type { Context, OperatorDefinition, Source } from '../../../engine/api/index.ts';

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
  const inst = await def.create(config ?? {}, ctx);
  if (inst.kind !== 'source') throw new Error(`${where}: operator "${type}" did not create a source`);
  return inst;
}

/** The engine's public plugin API: the only engine module operators import. */
export * from './batch.ts';
export * from './operator.ts';
export * from './context.ts';
export * from './secret.ts';
export * from './kind.ts';
export * from './expr/compile.ts';
export * from './config-error.ts';
export * from './lake.ts';
export * from './bus.ts';

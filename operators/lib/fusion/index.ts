/** Field-by-field source fusion configured by a SourcePriority policy. */
export * from './policy.ts';
export * from './rules.ts';
export * from './resolve.ts';
export * from './day-buffer.ts';
export * from './day-index.ts';
export * from './day-columns.ts';
export * from './masks.ts';
export * from './key-dictionary.ts';

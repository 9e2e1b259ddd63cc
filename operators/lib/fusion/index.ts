/** Field-by-field source fusion configured by a SourcePriority policy. */
export * from './policy.ts';
export * from './rules.ts';
export * from './resolve.ts';
export * from './day-buffer.ts';

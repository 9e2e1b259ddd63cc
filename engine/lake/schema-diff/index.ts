/** Generic review of `TableSchema` changes: diff, compatibility verdicts, the merge gate, Markdown. */
export * from './diff.ts';
export * from './types.ts';
export * from './check.ts';
export * from './load.ts';
export * from './report.ts';

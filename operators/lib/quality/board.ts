/**
 * The board (listing segment) of an A-share symbol, for the consistency heatmap by board.
 * Prefix tests on the symbol itself (the code is its first six characters, and every prefix tested
 * is shorter): this runs once per overlapping row of every day.
 * @example board('688981.SH') === 'STAR'; board('300750.SZ') === 'ChiNext'
 */
export function board(symbol: unknown): string {
  return BOARDS[boardIndex(symbol)];
}

/** Every board {@link board} names, by {@link boardIndex}. */
export const BOARDS = ['BSE', 'STAR', 'SH Main', 'ChiNext', 'SZ Main', 'Other'] as const;

/** The index in {@link BOARDS} of a symbol's board (counting by board without a Map per row). */
export function boardIndex(symbol: unknown): number {
  const s = typeof symbol === 'string' ? symbol : String(symbol ?? '');
  const c0 = s.charCodeAt(0);
  if (s.endsWith('.BJ') || c0 === 52 /* 4 */ || c0 === 56 /* 8 */) return 0;
  if (s.startsWith('688') || s.startsWith('689')) return 1;
  if (c0 === 54 /* 6 */) return 2;
  if (s.startsWith('30')) return 3;
  if (s.startsWith('00')) return 4;
  return 5;
}

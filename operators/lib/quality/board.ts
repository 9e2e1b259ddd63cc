/**
 * The board (listing segment) of an A-share symbol, for the consistency heatmap by board.
 * Prefix tests on the symbol itself (the code is its first six characters, and every prefix tested
 * is shorter): this runs once per overlapping row of every day.
 * @example board('688981.SH') === 'STAR'; board('300750.SZ') === 'ChiNext'
 */
export function board(symbol: unknown): string {
  const s = typeof symbol === 'string' ? symbol : String(symbol ?? '');
  const c0 = s.charCodeAt(0);
  if (s.endsWith('.BJ') || c0 === 52 /* 4 */ || c0 === 56 /* 8 */) return 'BSE';
  if (s.startsWith('688') || s.startsWith('689')) return 'STAR';
  if (c0 === 54 /* 6 */) return 'SH Main';
  if (s.startsWith('30')) return 'ChiNext';
  if (s.startsWith('00')) return 'SZ Main';
  return 'Other';
}

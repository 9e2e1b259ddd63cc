/**
 * The board (listing segment) of an A-share symbol, for the consistency heatmap by board.
 * @example board('688981.SH') === 'STAR'; board('300750.SZ') === 'ChiNext'
 */
export function board(symbol: unknown): string {
  const s = String(symbol ?? '');
  const code = s.slice(0, 6);
  if (s.endsWith('.BJ') || /^[48]/.test(code)) return 'BSE';
  if (code.startsWith('688') || code.startsWith('689')) return 'STAR';
  if (code.startsWith('6')) return 'SH Main';
  if (code.startsWith('30')) return 'ChiNext';
  if (code.startsWith('00')) return 'SZ Main';
  return 'Other';
}

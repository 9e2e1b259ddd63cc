/**
 * The market close of a trade date as an instant, from the policy's local close time and UTC
 * offset (Asia/Shanghai is +08:00 all year, so a fixed offset is exact).
 * @example marketClose('2024-12-31', '15:00', '+08:00').toISOString() === '2024-12-31T07:00:00.000Z'
 */
export function marketClose(tradeDate: string, close: string, offset: string): Date {
  const d = new Date(`${tradeDate}T${close}:00${offset}`);
  if (Number.isNaN(d.getTime()))
    throw new Error(`cannot compute the market close of trade date "${tradeDate}" (${close} ${offset})`);
  return d;
}

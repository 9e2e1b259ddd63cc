/**
 * Symbol → industry (Tushare `stock_basic.industry`) and the industry mean of a field on a day,
 * over the peers' observed values in the history.
 *
 * @example
 * const ind = new Industries();
 * ind.set('600519.SH', '白酒');
 * ind.set('000858.SZ', '白酒');
 * ind.mean(history, '600519.SH', fieldIndex, '2024-01-02', 1); // {value, peers: 1} or undefined
 */
import type { History } from './history.ts';

export class Industries {
  private readonly bySymbol = new Map<string, string>();
  private readonly members = new Map<string, Set<string>>();

  get size(): number {
    return this.bySymbol.size;
  }

  /** Records (or moves) a symbol's industry; blank industries are ignored. */
  set(symbol: string, industry: unknown): void {
    if (typeof industry !== 'string' || industry.trim() === '') return;
    const ind = industry.trim();
    const old = this.bySymbol.get(symbol);
    if (old === ind) return;
    if (old !== undefined) this.members.get(old)?.delete(symbol);
    this.bySymbol.set(symbol, ind);
    let set = this.members.get(ind);
    if (!set) this.members.set(ind, (set = new Set()));
    set.add(symbol);
  }

  of(symbol: string): string | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Mean of the peers' observed values on `date` (the symbol itself excluded), if enough peers have one. */
  mean(
    history: History,
    symbol: string,
    field: number,
    date: string,
    minPeers: number,
  ): { value: number; peers: number; industry: string } | undefined {
    const industry = this.bySymbol.get(symbol);
    if (industry === undefined) return undefined;
    let sum = 0;
    let peers = 0;
    for (const peer of this.members.get(industry) ?? []) {
      if (peer === symbol) continue;
      const v = history.valueOn(peer, field, date);
      if (Number.isFinite(v)) {
        sum += v;
        peers++;
      }
    }
    return peers >= minPeers && peers > 0 ? { value: sum / peers, peers, industry } : undefined;
  }
}

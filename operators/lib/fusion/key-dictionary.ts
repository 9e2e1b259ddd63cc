/**
 * The keys (symbols) of earlier trading days, kept across days by one `fuse` instance: the market
 * is the same ~5,000 symbols every day, so a day's keys are found in one Map lookup per Bronze row
 * (no per-day Map to build) and put in symbol order by a counting pass over ranks computed when a
 * new symbol appears, instead of sorting the day with the locale collator.
 *
 * Order: `String#localeCompare` of the symbols, ties (symbols the collator finds equal) in the
 * day's first-seen order: exactly what a stable sort of the day's rows by `localeCompare` gives.
 *
 * @example
 * const dict = new KeyDictionary();
 * const a = dict.id('600519.SH', '600519.SH'), b = dict.id('000001.SZ', '000001.SZ');
 * dict.order(Int32Array.of(a, b)); // Int32Array [1, 0]: 000001.SZ first
 */

const collator = new Intl.Collator();

export class KeyDictionary {
  private readonly ids = new Map<string, number>();
  private readonly symbols: string[] = [];
  private readonly keys: string[] = [];
  /** Per id: its symbol's place in collation order (equal symbols share one); stale when `dirty`. */
  private rank = new Int32Array(0);
  private ranks = 0;
  private dirty = false;
  /** Ids of the last table indexed (the next day's first table is guessed to follow its order). */
  lastSequence: Int32Array | undefined;

  /** @param limit Forget every key once this many are known (a key space that keeps growing). */
  constructor(private readonly limit = 100_000) {}

  get size(): number {
    return this.ids.size;
  }

  /** Forgets every key if the dictionary outgrew its limit (call between days: ids change). */
  trim(): void {
    if (this.ids.size <= this.limit) return;
    this.ids.clear();
    this.symbols.length = 0;
    this.keys.length = 0;
    this.lastSequence = undefined;
    this.dirty = true;
  }

  /** The id of `key`, added with its `symbol` (the order) when new. */
  id(key: string, symbol: string | (() => string)): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.symbols.length;
      this.ids.set(key, id);
      this.symbols.push(typeof symbol === 'string' ? symbol : symbol());
      this.keys.push(key);
      this.dirty = true;
    }
    return id;
  }

  /** The key of an id. */
  keyAt(id: number): string {
    return this.keys[id];
  }

  /** Positions 0..n-1 of a day's keys (given as ids, first seen first) in symbol order. */
  order(ids: Int32Array): Int32Array {
    if (this.dirty) this.rerank();
    // Counting sort by rank; keys are visited first seen first, so ties keep that order (stable).
    const starts = new Int32Array(this.ranks + 1);
    for (let k = 0; k < ids.length; k++) starts[this.rank[ids[k]] + 1]++;
    for (let r = 0; r < this.ranks; r++) starts[r + 1] += starts[r];
    const out = new Int32Array(ids.length);
    for (let k = 0; k < ids.length; k++) out[starts[this.rank[ids[k]]]++] = k;
    return out;
  }

  /** Ranks every symbol: by code units, which is the collator's order when it agrees strictly. */
  private rerank(): void {
    const s = this.symbols;
    const byId = Array.from({ length: s.length }, (_, i) => i);
    byId.sort((a, b) => (s[a] < s[b] ? -1 : s[a] > s[b] ? 1 : 0));
    let strict = true;
    for (let i = 1; i < byId.length && strict; i++) strict = collator.compare(s[byId[i - 1]], s[byId[i]]) < 0;
    this.rank = new Int32Array(s.length);
    if (strict) for (let i = 0; i < byId.length; i++) this.rank[byId[i]] = i;
    else {
      byId.sort((a, b) => collator.compare(s[a], s[b]));
      let r = 0;
      for (let i = 0; i < byId.length; i++) {
        // The same symbol (several key columns) or one the collator finds equal: the same rank.
        if (i > 0 && collator.compare(s[byId[i - 1]], s[byId[i]]) !== 0) r++;
        this.rank[byId[i]] = r;
      }
    }
    const r = byId.length ? this.rank[byId[byId.length - 1]] : -1;
    this.ranks = r + 1;
    this.dirty = false;
  }
}

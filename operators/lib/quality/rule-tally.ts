/**
 * Failure counts by rule id for the daily report's `rule_failures`, counted column by column but
 * reported in the order a row-by-row pass would first meet each rule (JSON key order is part of
 * the report): rules are registered in their within-row order, and each remembers its first row.
 * @example
 * const t = new RuleTally();
 * const a = t.slot('high_ge_max'), b = t.slot('close_missing');
 * t.hit(b, 3); t.hit(a, 7);
 * t.counts() // { close_missing: 1, high_ge_max: 1 }
 */
export class RuleTally {
  private readonly ids: string[] = [];
  private readonly count: number[] = [];
  private readonly first: number[] = [];

  /** Registers a rule; call in the order the rules are checked within one row. */
  slot(id: string): number {
    this.ids.push(id);
    this.count.push(0);
    this.first.push(-1);
    return this.ids.length - 1;
  }

  /** Rule `slot` failed on row `row`. */
  hit(slot: number, row: number): void {
    if (this.count[slot]++ === 0 || row < this.first[slot]) this.first[slot] = row;
  }

  /** `{rule: count}` in order of first failure (row, then within-row order). */
  counts(): Record<string, number> {
    const order = this.ids
      .map((_, s) => s)
      .filter((s) => this.count[s] > 0)
      .sort((a, b) => this.first[a] - this.first[b] || a - b);
    const out: Record<string, number> = {};
    for (const s of order) out[this.ids[s]] = (out[this.ids[s]] ?? 0) + this.count[s];
    return out;
  }
}

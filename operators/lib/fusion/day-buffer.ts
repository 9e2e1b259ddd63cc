/**
 * The waiting room of the `fuse` operator: Bronze rows grouped per trading day and key, together with
 * the acknowledgement shares of the batches they came in, until the day is ready. Pure bookkeeping
 * with an injected clock, so the timing rules are unit-testable without timers.
 *
 * Expected streams are sources (`qmt`) or source/dataset pairs (`tushare/adj_factor`). A day is
 * complete when every expected stream has moved on to a later day (its watermark passed the day:
 * Bronze partitions arrive in date order, so nothing more will come), or when every expected stream
 * delivered rows for it (or passed it) and no row came for `quietMs`. Otherwise it waits at most
 * `deadlineMs` after its first row, then proceeds with what it has; the end of input flushes all.
 */
import type { Batch, Rec } from '../../../engine/api/index.ts';
import { fork } from '../../../engine/api/index.ts';
import type { KeyRows } from './resolve.ts';

export interface DayBufferOptions {
  keyColumns: readonly string[];
  /** Known sources (rows from others are errors). */
  sources: readonly string[];
  /** Streams a day waits for: `source` or `source/dataset`. */
  expect: readonly string[];
  /** Datasets fused (rows of other datasets that are not passthrough are acknowledged and skipped). */
  datasets: ReadonlySet<string>;
  passthrough: ReadonlySet<string>;
  /** Once every expected source is in, wait this long without new rows for the day. */
  quietMs: number;
  /** Wait at most this long after a day's first row, then proceed with what is there. */
  deadlineMs: number;
  /** How many flushed days to remember for late-row detection. */
  rememberDays?: number;
}

export interface Day {
  trade_date: string;
  shares: Batch[];
  keys: Map<string, { key: Rec; rows: KeyRows }>;
  sources: Set<string>;
  /** Streams (`source` and `source/dataset`) that delivered rows for the day. */
  streams: Set<string>;
  firstAt: number;
  lastAt: number;
}

/** What one input batch turned into right away (each non-empty part holds one share of its ack). */
export interface Routed {
  passthrough?: Batch;
  errors?: Batch;
  late?: Batch;
  /** Skipped rows (datasets nobody fuses): acknowledge as delivered. */
  skipped?: Batch;
}

/** Newest ingest wins when a source repeats a row (Bronze dedups already; this is a safety net). */
function newer(a: Rec, b: Rec): boolean {
  const ta = String(a.fetched_at ?? a.ingested_at ?? '');
  const tb = String(b.fetched_at ?? b.ingested_at ?? '');
  return ta >= tb;
}

export class DayBuffer {
  private readonly days = new Map<string, Day>();
  private readonly flushed: string[] = [];
  /** Latest trading day seen per stream (`source` and `source/dataset`). */
  private readonly watermarks = new Map<string, string>();

  constructor(private readonly opts: DayBufferOptions) {}

  get pending(): number {
    return this.days.size;
  }

  /** Files `batch`'s rows; returns the parts to emit now. */
  add(batch: Batch, now: number): Routed {
    const dateCol = this.opts.keyColumns[this.opts.keyColumns.length - 1];
    const perDay = new Map<string, Rec[]>();
    const pass: Rec[] = [];
    const errors: Rec[] = [];
    const late: Rec[] = [];
    const skipped: Rec[] = [];
    for (const r of batch.records) {
      const dataset = String(r.dataset ?? '');
      if (this.opts.passthrough.has(dataset)) {
        pass.push(r);
        continue;
      }
      if (!this.opts.datasets.has(dataset)) {
        skipped.push(r);
        continue;
      }
      const source = r.source;
      const missing = this.opts.keyColumns.filter((c) => r[c] === undefined || r[c] === null || r[c] === '');
      if (missing.length) {
        errors.push({ reason: `fuse: row has no ${missing.join(', ')}`, record: r });
        continue;
      }
      if (typeof source !== 'string' || !this.opts.sources.includes(source)) {
        errors.push({
          reason: `fuse: unknown source ${JSON.stringify(source)} (policy sources: ${this.opts.sources.join(', ')})`,
          record: r,
        });
        continue;
      }
      const day = String(r[dateCol]);
      if (this.flushed.includes(day) && !this.days.has(day)) {
        late.push(r);
        continue;
      }
      const list = perDay.get(day);
      if (list) list.push(r);
      else perDay.set(day, [r]);
    }
    const parts = [...perDay.keys()].length + [pass, errors, late, skipped].filter((l) => l.length).length;
    const shares = fork(batch, Math.max(parts, 1));
    let i = 0;
    const take = (records: Rec[]): Batch => ({ ...shares[i++], records });
    const routed: Routed = {};
    if (pass.length) routed.passthrough = take(pass);
    if (errors.length) routed.errors = take(errors);
    if (late.length) routed.late = take(late);
    if (skipped.length) routed.skipped = take(skipped);
    if (parts === 0) routed.skipped = take([]);
    for (const [date, recs] of perDay) this.file(date, take(recs), now);
    return routed;
  }

  private file(date: string, share: Batch, now: number): void {
    let day = this.days.get(date);
    if (!day) {
      day = {
        trade_date: date,
        shares: [],
        keys: new Map(),
        sources: new Set(),
        streams: new Set(),
        firstAt: now,
        lastAt: now,
      };
      this.days.set(date, day);
    }
    day.shares.push(share);
    day.lastAt = now;
    const cols = this.opts.keyColumns;
    for (const r of share.records) {
      // Key values are strings (symbol, date); a separator that cannot occur in them keeps keys unique.
      let k = String(r[cols[0]]);
      for (let i = 1; i < cols.length; i++) k += `\u0001${String(r[cols[i]])}`;
      let entry = day.keys.get(k);
      if (!entry) {
        const key: Rec = {};
        for (const c of cols) key[c] = r[c];
        entry = { key, rows: new Map() };
        day.keys.set(k, entry);
      }
      const source = r.source as string;
      const dataset = String(r.dataset);
      const stream = `${source}/${dataset}`;
      if (!day.streams.has(stream)) {
        day.sources.add(source);
        for (const s of [source, stream]) {
          day.streams.add(s);
          if ((this.watermarks.get(s) ?? '') < date) this.watermarks.set(s, date);
        }
      }
      let byDataset = entry.rows.get(source);
      if (!byDataset) entry.rows.set(source, (byDataset = new Map()));
      const prev = byDataset.get(dataset);
      if (!prev || newer(r, prev)) byDataset.set(dataset, r);
    }
  }

  /** Whether a day may be fused now, and why. */
  readiness(day: Day, now: number): 'complete' | 'deadline' | undefined {
    const passed = (s: string) => (this.watermarks.get(s) ?? '') > day.trade_date;
    if (this.opts.expect.every(passed)) return 'complete';
    const all = this.opts.expect.every((s) => day.streams.has(s) || passed(s));
    if (all && now - day.lastAt >= this.opts.quietMs) return 'complete';
    if (now - day.firstAt >= this.opts.deadlineMs) return 'deadline';
    return undefined;
  }

  /** Removes and returns the days that are ready (or all when `all`), oldest first. */
  takeReady(now: number, all = false): { day: Day; reason: 'complete' | 'deadline' | 'end' }[] {
    const out: { day: Day; reason: 'complete' | 'deadline' | 'end' }[] = [];
    for (const date of [...this.days.keys()].sort()) {
      const day = this.days.get(date)!;
      const why = this.readiness(day, now) ?? (all ? 'end' : undefined);
      if (!why) continue;
      this.days.delete(date);
      this.flushed.push(date);
      if (this.flushed.length > (this.opts.rememberDays ?? 400)) this.flushed.shift();
      out.push({ day, reason: why });
    }
    return out;
  }
}

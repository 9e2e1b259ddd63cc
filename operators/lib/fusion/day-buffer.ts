/**
 * The waiting room of the `fuse` operator: per trading day, the input tables that hold the day's
 * Bronze rows (with the row numbers filed for it: rows are never copied) together with the
 * acknowledgement shares of the batches they came in, until the day is ready. Pure bookkeeping
 * with an injected clock, so the timing rules are unit-testable without timers.
 *
 * Expected streams are sources (`qmt`) or source/dataset pairs (`tushare/adj_factor`). A day is
 * complete when every expected stream has moved on to a later day (its watermark passed the day:
 * Bronze partitions arrive in date order, so nothing more will come), or when every expected stream
 * delivered rows for it (or passed it) and no row came for `quietMs`. Otherwise it waits at most
 * `deadlineMs` after its first row, then proceeds with what it has; the end of input flushes all.
 */
import type { ColumnTable } from 'arquero';
import type { Batch, Rec } from '../../../engine/api/index.ts';
import { column, columnsOf, fork, tableBatch, takeRows } from '../../../engine/api/index.ts';
import type { DayPart } from './day-index.ts';

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
  /** Acknowledgement holders: one share of each input batch that had rows for the day (meta, acks). */
  shares: Batch[];
  /** The day's rows, where they are in the input tables. */
  parts: DayPart[];
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

/** Where each row of an input batch goes. */
interface Sorted {
  pass: number[];
  errors: Rec[];
  late: number[];
  skipped: number[];
  /** Days of the batch, first seen first, and their row numbers (`undefined`: every row). */
  dayOf: string[];
  dayRows: (number[] | undefined)[];
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

  /** Files `batch`'s rows (records or columns); returns the parts to emit now. */
  add(batch: Batch, now: number): Routed {
    const table = columnsOf(batch);
    const { pass, errors, late, skipped, dayOf, dayRows } = this.sort(batch, table);
    const parts = dayOf.length + [pass, errors, late, skipped].filter((l) => l.length).length;
    const shares = fork(batch, Math.max(parts, 1));
    let i = 0;
    // Rows of a part: the input's own records when it came as records, else a table of those rows.
    const take = (rows: number[]): Batch => {
      const share = shares[i++];
      if (!batch.table)
        return { records: rows.map((r) => batch.records[r]), meta: share.meta, acks: share.acks };
      return rows.length === table.numRows()
        ? share
        : tableBatch(takeRows(table, rows), share.meta, share.acks);
    };
    const routed: Routed = {};
    if (pass.length) routed.passthrough = take(pass);
    if (errors.length) {
      const share = shares[i++];
      routed.errors = { records: errors, meta: share.meta, acks: share.acks };
    }
    if (late.length) routed.late = take(late);
    if (skipped.length) routed.skipped = take(skipped);
    if (parts === 0) routed.skipped = take([]);
    dayOf.forEach((date, d) => {
      const rows = dayRows[d];
      // A batch of one day (the usual Bronze partition) is filed whole: no row numbers.
      this.file(
        date,
        { table, rows: !rows || rows.length === table.numRows() ? undefined : Int32Array.from(rows) },
        shares[i++],
        now,
      );
    });
    return routed;
  }

  /** Sorts the rows of a batch by where they go (one pass over its columns). */
  private sort(batch: Batch, table: ColumnTable): Sorted {
    // The usual Bronze batch (one dataset's partition of one day) goes to one day whole: found
    // without listing its row numbers (a list per batch was ~10 % of the chain's allocations).
    const whole = this.wholeDay(table);
    if (whole !== undefined && !this.isLate(whole))
      return { pass: [], errors: [], late: [], skipped: [], dayOf: [whole], dayRows: [undefined] };
    return this.sortRows(batch, table);
  }

  private isLate(day: string): boolean {
    return this.flushed.includes(day) && !this.days.has(day);
  }

  /**
   * The day of every row when each row would be filed for that same day by {@link sortRows}
   * (a fused dataset, every key column set, a known source, one trade date); else `undefined`.
   */
  private wholeDay(table: ColumnTable): string | undefined {
    const { keyColumns, passthrough, datasets, sources } = this.opts;
    const n = table.numRows();
    if (n === 0) return undefined;
    const dsCol = column(table, 'dataset');
    const srcCol = column(table, 'source');
    const keyCols = keyColumns.map((c) => column(table, c));
    const dateCol = keyCols[keyCols.length - 1];
    if (!dateCol || keyCols.some((c) => !c)) return undefined;
    const day = String(dateCol[0]);
    let lastDataset: unknown = {};
    let lastSource: unknown = {};
    let lastDate: unknown = dateCol[0];
    for (let r = 0; r < n; r++) {
      const ds = dsCol?.[r];
      if (ds !== lastDataset) {
        lastDataset = ds;
        const dataset = String(ds ?? '');
        if (passthrough.has(dataset) || !datasets.has(dataset)) return undefined;
      }
      for (let c = 0; c < keyCols.length; c++) {
        const v = keyCols[c]![r];
        if (v === undefined || v === null || v === '') return undefined;
      }
      const source = srcCol?.[r];
      if (source !== lastSource) {
        if (typeof source !== 'string' || !sources.includes(source)) return undefined;
        lastSource = source;
      }
      const d = dateCol[r];
      if (d !== lastDate) {
        if (String(d) !== day) return undefined;
        lastDate = d;
      }
    }
    return day;
  }

  /** {@link sort} for any batch: row by row. */
  private sortRows(batch: Batch, table: ColumnTable): Sorted {
    const { keyColumns, passthrough, datasets, sources } = this.opts;
    const n = table.numRows();
    const dsCol = column(table, 'dataset');
    const srcCol = column(table, 'source');
    const keyCols = keyColumns.map((c) => column(table, c));
    const dateCol = keyCols[keyCols.length - 1];
    const record = (r: number): Rec => (batch.table ? (table.object(r) as Rec) : batch.records[r]);
    const out: Sorted = { pass: [], errors: [], late: [], skipped: [], dayOf: [], dayRows: [] };
    const { dayOf, dayRows } = out;
    // Rows of one batch mostly share dataset and day: decide those once per change, not per row.
    let lastDataset: unknown = {};
    let kind: 'pass' | 'fuse' | 'skip' = 'skip';
    let lastDay: string | undefined;
    let lastRows: number[] | undefined;
    for (let r = 0; r < n; r++) {
      const ds = dsCol?.[r];
      if (ds !== lastDataset) {
        lastDataset = ds;
        const dataset = String(ds ?? '');
        kind = passthrough.has(dataset) ? 'pass' : datasets.has(dataset) ? 'fuse' : 'skip';
      }
      if (kind === 'pass') out.pass.push(r);
      else if (kind === 'skip') out.skipped.push(r);
      else {
        let keyed = true;
        for (let c = 0; c < keyCols.length && keyed; c++) {
          const v = keyCols[c]?.[r];
          keyed = v !== undefined && v !== null && v !== '';
        }
        const source = srcCol?.[r];
        if (!keyed) {
          const missing = keyColumns.filter((_, c) =>
            [undefined, null, ''].includes(keyCols[c]?.[r] as never),
          );
          out.errors.push({ reason: `fuse: row has no ${missing.join(', ')}`, record: record(r) });
        } else if (typeof source !== 'string' || !sources.includes(source))
          out.errors.push({
            reason: `fuse: unknown source ${JSON.stringify(source)} (policy sources: ${sources.join(', ')})`,
            record: record(r),
          });
        else {
          const day = String(dateCol![r]);
          if (day !== lastDay) {
            lastDay = day;
            if (this.isLate(day))
              lastRows = undefined; // late
            else {
              let d = dayOf.indexOf(day);
              if (d < 0) d = dayOf.push(day) - 1;
              lastRows = dayRows[d] ??= [];
            }
          }
          if (lastRows) lastRows.push(r);
          else out.late.push(r);
        }
      }
    }
    // Nothing after the loop but the return: code the loop's optimised (OSR) version has never seen
    // run would deoptimise it on every batch.
    return out;
  }

  private file(date: string, part: DayPart, share: Batch, now: number): void {
    let day = this.days.get(date);
    if (!day) {
      day = {
        trade_date: date,
        shares: [],
        parts: [],
        sources: new Set(),
        streams: new Set(),
        firstAt: now,
        lastAt: now,
      };
      this.days.set(date, day);
    }
    day.shares.push(share);
    day.parts.push(part);
    day.lastAt = now;
    const src = column<string>(part.table, 'source')!;
    const ds = column(part.table, 'dataset')!;
    const n = part.rows ? part.rows.length : part.table.numRows();
    let lastSource: string | undefined;
    let lastDataset: unknown;
    for (let j = 0; j < n; j++) {
      const r = part.rows ? part.rows[j] : j;
      const source = src[r];
      if (source === lastSource && ds[r] === lastDataset) continue;
      lastSource = source;
      lastDataset = ds[r];
      const stream = `${source}/${String(ds[r])}`;
      if (!day.streams.has(stream)) {
        day.sources.add(source);
        for (const s of [source, stream]) {
          day.streams.add(s);
          if ((this.watermarks.get(s) ?? '') < date) this.watermarks.set(s, date);
        }
      }
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

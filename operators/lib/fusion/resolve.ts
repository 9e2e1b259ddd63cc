/**
 * Field-by-field fusion of a trading day by a {@link SourcePrioritySpec}, column-wise: for every
 * field the first source (in the group's order) whose value is valid wins, and `<field>_source`
 * records which one (its lineage label). Fields no source has valid stay `null` with a `null`
 * lineage, for the imputation step, and the reasons are kept in `fusion_issues` (only rows with
 * issues have them: they are built only for invalid values, so they are rare).
 *
 * A day is decided with a few passes per (field, source) over the day's keys (see
 * {@link DayColumns}); the result is one column table, one row per key.
 *
 * @example
 * const fuser = compileFusion(policy.spec);
 * const gold = fuser.fuseDay(indexDay(parts, fuser.keyColumns)); // ColumnTable, sorted by symbol
 * const one = fuser.fuse({ symbol: '600519.SH', trade_date: '2024-06-14' }, keyRows); // one record
 */
import { table as aqTable, type ColumnTable } from 'arquero';
import type { Rec } from '../../../engine/api/index.ts';
import { column, tableFromRecords } from '../../../engine/api/index.ts';
import { DayColumns, type CompiledField, type FieldBinding } from './day-columns.ts';
import { indexDay, type DayIndex } from './day-index.ts';
import { compileNumberMask } from './masks.ts';
import type { FieldPolicy, GroupPolicy, SourcePrioritySpec } from './policy.ts';
import { compileRules } from './rules.ts';

/** The rows of one key: source → dataset → row. */
export type KeyRows = Map<string, Map<string, Rec>>;

interface CompiledGroup {
  policy: GroupPolicy;
  fields: CompiledField[];
  /** Lineage label of each source of `policy.order`. */
  lineages: string[];
  /** Policy-wide number (in `spec.sources`) of each source of `policy.order`. */
  sourceOf: Int8Array;
}

export interface Fuser {
  /** Fuses an indexed trading day: one row per key, in the index's key order (by symbol). */
  fuseDay(day: DayIndex): ColumnTable;
  /** Fuses the rows of one key into a Gold-candidate row (tests and tools; a day of one key). */
  fuse(key: Rec, rows: KeyRows): Rec;
  /** Every `<field>` the policy produces, in policy order. */
  readonly fields: readonly string[];
  readonly keyColumns: readonly string[];
  /** Datasets any field reads, per source (rows of other datasets are not fused). */
  readonly datasets: ReadonlySet<string>;
}

function bindings(name: string, group: GroupPolicy, f: FieldPolicy, datasets: Set<string>) {
  const out = new Map<string, FieldBinding>();
  for (const source of group.order) {
    const b = f.sources?.[source] ?? {};
    const dataset = b.dataset ?? group.datasets?.[source] ?? group.dataset;
    if (!dataset)
      throw new Error(
        `source priority: field "${name}" of group "${group.name}" has no dataset for source "${source}"`,
      );
    datasets.add(dataset);
    out.set(source, { dataset, field: b.field ?? f.from ?? name, scale: b.scale ?? 1 });
  }
  return out;
}

/**
 * The keys a fallback source (not the first of the order) is asked about: those still undecided
 * where it has a row. Usually a handful: they are then judged one by one ({@link DayColumns.validAt})
 * instead of gathering and checking the source's whole column; `undefined` when there are many.
 */
function fewUndecided(winner: Int8Array, present: Uint8Array): number[] | undefined {
  const few: number[] = [];
  const limit = winner.length >> 4;
  for (let k = 0; k < winner.length; k++)
    if (winner[k] < 0 && present[k] === 1 && few.push(k) > limit) return undefined;
  return few;
}

/** `record` mode: per key, the first present source whose values of every field are valid (-1: none). */
function wholeSource(
  sources: readonly string[],
  fields: readonly CompiledField[],
  cols: DayColumns,
  n: number,
) {
  const whole = new Int8Array(n).fill(-1);
  sources.forEach((s, j) => {
    const present = cols.present(s);
    const few = j > 0 ? fewUndecided(whole, present) : undefined;
    if (few) {
      for (const k of few) if (fields.every((f) => cols.validAt(f, s, k))) whole[k] = j;
      return;
    }
    const masks = fields.map((f) => cols.valid(f, s));
    for (let k = 0; k < n; k++) {
      if (whole[k] >= 0 || !present[k]) continue;
      let ok = true;
      for (let i = 0; i < masks.length && ok; i++) ok = masks[i][k] === 1;
      if (ok) whole[k] = j;
    }
  });
  return whole;
}

/** Field mode for the keys `winner` leaves undecided; a present source's invalid value is an issue. */
function resolveField(
  f: CompiledField,
  sources: readonly string[],
  cols: DayColumns,
  winner: Int8Array,
  issue: (k: number, text: string) => void,
): void {
  sources.forEach((s, j) => {
    const present = cols.present(s);
    const few = j > 0 ? fewUndecided(winner, present) : undefined;
    const invalid = (k: number) => issue(k, `${f.name}@${s}: ${cols.why(f, s, k)!}`);
    if (few) {
      for (const k of few)
        if (cols.validAt(f, s, k)) winner[k] = j;
        else invalid(k);
      return;
    }
    const valid = cols.valid(f, s);
    for (let k = 0; k < winner.length; k++)
      if (winner[k] < 0 && present[k] === 1) {
        if (valid[k] === 1) winner[k] = j;
        else invalid(k);
      }
  });
}

/**
 * The winners' numbers: a Float64Array when every key has one, else a plain array with `null`s.
 * A fallback source's column may not have been gathered: its few winning keys are read one by one.
 */
function pickNumbers(winner: Int8Array, f: CompiledField, sources: readonly string[], cols: DayColumns) {
  const xs = sources.map((s, j) => (j === 0 ? cols.numeric(f, s) : cols.gathered(f, s)));
  // Two loops in two functions, so each writes one kind of array (a store site seeing both is
  // slow) and each has nothing after its loop (see gatherNumbers in day-columns.ts).
  return hasNone(winner)
    ? pickWithNulls(winner, f, sources, cols, xs)
    : pickAll(winner, f, sources, cols, xs, new Float64Array(winner.length));
}

function hasNone(winner: Int8Array): boolean {
  for (let k = 0; k < winner.length; k++) if (winner[k] < 0) return true;
  return false;
}

/** A fallback source's (rare) winning value: from its column if gathered, else read for the key. */
function fallbackValue(
  k: number,
  j: number,
  f: CompiledField,
  sources: readonly string[],
  cols: DayColumns,
  xs: readonly (Float64Array | undefined)[],
): number {
  const x = xs[j];
  return x ? x[k] : (cols.read(f, sources[j], k) as number);
}

function pickAll(
  winner: Int8Array,
  f: CompiledField,
  sources: readonly string[],
  cols: DayColumns,
  xs: readonly (Float64Array | undefined)[],
  values: Float64Array,
): Float64Array {
  // The first source's winners straight from its column. Two stores, not one of a conditional
  // expression: that would join an unboxed double with the fallback's boxed result, and V8 then
  // boxed every value (a heap number per key and field) before storing it unboxed again.
  const first = xs[0]!;
  for (let k = 0; k < values.length; k++)
    if (winner[k] === 0) values[k] = first[k];
    else values[k] = fallbackValue(k, winner[k], f, sources, cols, xs);
  return values;
}

function pickWithNulls(
  winner: Int8Array,
  f: CompiledField,
  sources: readonly string[],
  cols: DayColumns,
  xs: readonly (Float64Array | undefined)[],
): (number | null)[] {
  const first = xs[0]!;
  const values = new Array<number | null>(winner.length);
  for (let k = 0; k < values.length; k++) {
    const j = winner[k];
    values[k] = j === 0 ? first[k] : j < 0 ? null : fallbackValue(k, j, f, sources, cols, xs);
  }
  return values;
}

/** The winners' values of a non-numeric field, as read. */
function pickRead(
  winner: Int8Array,
  f: CompiledField,
  sources: readonly string[],
  cols: DayColumns,
): unknown[] {
  return Array.from(winner, (j, k) => (j < 0 ? null : cols.read(f, sources[j], k)));
}

/**
 * The sources lineage names: the winners, and for keys without one, the first source that sent an
 * explicit null in a row it has (a reported null, for `reported_null` fields).
 */
function lineageWinners(winner: Int8Array, f: CompiledField, sources: readonly string[], cols: DayColumns) {
  if (!f.reportedNull) return winner;
  const out = Int8Array.from(winner);
  sources.forEach((s, j) => {
    const raw = cols.raw(f, s);
    for (let k = 0; k < out.length; k++) if (out[k] < 0 && raw[k] === null) out[k] = j;
  });
  return out;
}

function lineageColumn(winner: Int8Array, lineages: readonly string[]): (string | null)[] {
  const out = new Array<string | null>(winner.length);
  for (let k = 0; k < winner.length; k++) out[k] = winner[k] < 0 ? null : lineages[winner[k]];
  return out;
}

/**
 * A day's lineage columns, one array per distinct column: fields whose winners are the same
 * sources key by key (usually every field of a source-first group, and groups with the same first
 * source) share one array instead of a copy each. Columns are immutable (tables share columns
 * throughout the chain), and a day's lineage arrays were ~40 % of what the chain kept alive
 * between days (what the young-generation GC copies). Winners are compared as policy-wide source
 * numbers, so groups that order the sources differently share too.
 */
class LineageColumns {
  private readonly made: { sources: Int8Array; column: (string | null)[] }[] = [];

  constructor(private readonly n: number) {}

  /** The lineage column of `winner` (indices into a group's order; `sourceOf` maps them). */
  of(winner: Int8Array, sourceOf: Int8Array, lineages: readonly string[]): (string | null)[] {
    for (const m of this.made) if (sameSources(winner, sourceOf, m.sources)) return m.column;
    const column = lineageColumn(winner, lineages);
    // A few distinct columns per day: past that, no more comparisons (each is a pass over the keys).
    if (this.made.length < 4)
      this.made.push({ sources: toSources(winner, sourceOf, new Int8Array(this.n)), column });
    return column;
  }
}

/** Whether `winner`, as source numbers, is `sources` (-1: none). */
function sameSources(winner: Int8Array, sourceOf: Int8Array, sources: Int8Array): boolean {
  for (let k = 0; k < winner.length; k++) {
    const j = winner[k];
    if ((j < 0 ? -1 : sourceOf[j]) !== sources[k]) return false;
  }
  return true;
}

function toSources(winner: Int8Array, sourceOf: Int8Array, out: Int8Array): Int8Array {
  for (let k = 0; k < winner.length; k++) out[k] = winner[k] < 0 ? -1 : sourceOf[winner[k]];
  return out;
}

/** Compiles a policy once; the result fuses any number of days. Throws on an inconsistent policy. */
export function compileFusion(spec: SourcePrioritySpec): Fuser {
  const datasets = new Set<string>();
  const seen = new Set<string>();
  const lineageOf = new Map(Object.entries(spec.sources).map(([s, info]) => [s, info.lineage]));
  const groups: CompiledGroup[] = spec.groups.map((g) => {
    for (const s of g.order)
      if (!spec.sources[s])
        throw new Error(
          `source priority: group "${g.name}" orders unknown source "${s}" (declared: ${Object.keys(spec.sources).join(', ')})`,
        );
    return {
      policy: g,
      lineages: g.order.map((s) => lineageOf.get(s)!),
      sourceOf: Int8Array.from(g.order, (s) => Object.keys(spec.sources).indexOf(s)),
      fields: Object.entries(g.fields).map(([name, f]): CompiledField => {
        if (seen.has(name))
          throw new Error(`source priority: field "${name}" appears in more than one group`);
        seen.add(name);
        return {
          name,
          sourceKey: `${name}_source`,
          type: f.type ?? 'number',
          check: compileRules(f.type ?? 'number', f.rules),
          mask: compileNumberMask(f.rules),
          bindings: bindings(name, g, f, datasets),
          reportedNull: f.reported_null === true,
        };
      }),
    };
  });
  const fieldIndex = new Map(groups.flatMap((g) => g.fields.map((f) => [f.name, f] as const)));
  const keyColumns = spec.key ?? ['symbol', 'trade_date'];
  const sourceNames = Object.keys(spec.sources);
  const keep = (spec.keepSourceValues ?? []).map((name) => {
    const f = fieldIndex.get(name);
    if (!f) throw new Error(`source priority: keepSourceValues names unknown field "${name}"`);
    return {
      f,
      copies: Object.entries(spec.sources).map(([s, info]) => ({
        source: s,
        key: `${name}_${info.suffix ?? s}`,
      })),
    };
  });
  // `sources_present` of a key is one of 2^sources lists: shared, not built per row (rows are immutable).
  const presentLists = Array.from({ length: 1 << sourceNames.length }, (_, bits) =>
    sourceNames.filter((_, i) => bits & (1 << i)),
  );

  function fuseDay(day: DayIndex): ColumnTable {
    const n = day.size;
    const cols = new DayColumns(day, fieldIndex);
    const out: Record<string, ArrayLike<unknown>> = {};
    const issues: (string[] | undefined)[] = new Array(n);
    let anyIssue = false;

    for (const c of keyColumns) {
      const src = day.parts.map((p) => column(p.table, c)!);
      const v = new Array<unknown>(n);
      for (let k = 0; k < n; k++) v[k] = src[day.firstPart[k]][day.firstRow[k]];
      out[c] = v;
    }

    const lineageColumns = new LineageColumns(n);
    for (const { policy, fields, lineages, sourceOf } of groups) {
      const sources = policy.order;
      const whole = policy.mode === 'record' ? wholeSource(sources, fields, cols, n) : undefined;
      // The group's lineage column: the lineage of its first field that resolved.
      const groupWinner = policy.lineage ? new Int8Array(n).fill(-1) : undefined;
      for (const f of fields) {
        const winner = whole ? Int8Array.from(whole) : new Int8Array(n).fill(-1);
        resolveField(f, sources, cols, winner, (k, text) => {
          (issues[k] ??= []).push(text);
          anyIssue = true;
        });
        out[f.name] =
          f.type === 'number' ? pickNumbers(winner, f, sources, cols) : pickRead(winner, f, sources, cols);
        const named = lineageWinners(winner, f, sources, cols);
        out[f.sourceKey] = lineageColumns.of(named, sourceOf, lineages);
        if (groupWinner) for (let k = 0; k < n; k++) if (groupWinner[k] < 0) groupWinner[k] = named[k];
      }
      if (policy.lineage && groupWinner)
        out[policy.lineage] = lineageColumns.of(groupWinner, sourceOf, lineages);
    }

    for (const { f, copies } of keep)
      for (const { source, key } of copies) {
        const raw = cols.raw(f, source);
        let numbers = true;
        for (let k = 0; k < n && numbers; k++) numbers = typeof raw[k] === 'number';
        if (numbers) {
          const values = new Float64Array(n);
          for (let k = 0; k < n; k++) values[k] = raw[k] as number;
          out[key] = values;
        } else out[key] = raw.map((v) => (v === undefined ? null : v));
      }

    const bits = new Uint32Array(n);
    sourceNames.forEach((s, b) => {
      const present = cols.present(s);
      for (let k = 0; k < n; k++) if (present[k]) bits[k] |= 1 << b;
    });
    const present = new Array<string[]>(n);
    for (let k = 0; k < n; k++) present[k] = presentLists[bits[k]];
    out.sources_present = present;
    // Rows without issues have none (`undefined`, an absent key), as the row version left them.
    if (anyIssue) out.fusion_issues = issues;
    return aqTable(out as Record<string, unknown[]>);
  }

  return {
    fields: [...fieldIndex.keys()],
    keyColumns,
    datasets,
    fuseDay,
    fuse(key, rows) {
      const recs: Rec[] = [];
      for (const [source, byDataset] of rows)
        for (const [dataset, r] of byDataset) recs.push({ ...r, ...key, source, dataset });
      // No rows at all: a key present in no source (every field null, no source present).
      if (!recs.length) recs.push({ ...key, source: '', dataset: '' });
      const day = indexDay([{ table: tableFromRecords(recs) }], keyColumns);
      return { ...key, ...(fuseDay(day).object(0) as Rec) };
    },
  };
}

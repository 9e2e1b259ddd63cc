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
}

export interface Fuser {
  /** Fuses an indexed trading day: one row per key, in `day.order`. */
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

/** A numeric column without nulls is a Float64Array; otherwise a plain array with `null`s. */
function numberColumn(n: number, hasNull: boolean): Float64Array | (number | null)[] {
  return hasNull ? new Array<number | null>(n) : new Float64Array(n);
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
      copies: Object.entries(spec.sources).map(([s, info]) => ({ source: s, key: `${name}_${info.suffix ?? s}` })),
    };
  });
  // `sources_present` of a key is one of 2^sources lists: shared, not built per row (rows are immutable).
  const presentLists = Array.from({ length: 1 << sourceNames.length }, (_, bits) =>
    sourceNames.filter((_, i) => bits & (1 << i)),
  );

  function fuseDay(day: DayIndex): ColumnTable {
    const n = day.size;
    const order = day.order;
    const cols = new DayColumns(day, fieldIndex);
    const out: Record<string, ArrayLike<unknown>> = {};
    const issues: (string[] | undefined)[] = new Array(n);
    let anyIssue = false;

    for (const c of keyColumns) {
      const src = day.parts.map((p) => column(p.table, c)!);
      const v = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const k = order[i];
        v[i] = src[day.firstPart[k]][day.firstRow[k]];
      }
      out[c] = v;
    }

    for (const { policy, fields, lineages } of groups) {
      const sources = policy.order;
      // `record` mode: the first present source whose values of every field of the group are valid.
      let whole: Int8Array | undefined;
      if (policy.mode === 'record') {
        whole = new Int8Array(n).fill(-1);
        sources.forEach((s, j) => {
          const present = cols.present(s);
          const masks = fields.map((f) => cols.valid(f, s));
          for (let k = 0; k < n; k++) {
            if (whole![k] >= 0 || !present[k]) continue;
            let ok = true;
            for (const m of masks) if (!m[k]) ok = false;
            if (ok) whole![k] = j;
          }
        });
      }
      // The group's lineage column: the lineage of its first field that resolved.
      const groupWinner = policy.lineage ? new Int8Array(n).fill(-1) : undefined;
      for (const f of fields) {
        const winner = whole ? Int8Array.from(whole) : new Int8Array(n).fill(-1);
        // Undecided keys try the sources in order; a present source's invalid value is an issue.
        sources.forEach((s, j) => {
          const present = cols.present(s);
          const valid = cols.valid(f, s);
          for (let k = 0; k < n; k++) {
            if (winner[k] >= 0 || !present[k]) continue;
            if (valid[k]) winner[k] = j;
            else {
              (issues[k] ??= []).push(`${f.name}@${s}: ${cols.why(f, s, k)!}`);
              anyIssue = true;
            }
          }
        });
        let hasNull = false;
        for (let k = 0; k < n; k++) if (winner[k] < 0) hasNull = true;
        const lineage = new Array<string | null>(n);
        if (f.type === 'number') {
          const xs = sources.map((s) => cols.numeric(f, s));
          const values = numberColumn(n, hasNull);
          for (let i = 0; i < n; i++) {
            const j = winner[order[i]];
            values[i] = j < 0 ? null : xs[j][order[i]];
            lineage[i] = j < 0 ? null : lineages[j];
          }
          out[f.name] = values;
        } else {
          const values = new Array<unknown>(n);
          for (let i = 0; i < n; i++) {
            const j = winner[order[i]];
            values[i] = j < 0 ? null : cols.read(f, sources[j], order[i]);
            lineage[i] = j < 0 ? null : lineages[j];
          }
          out[f.name] = values;
        }
        out[f.sourceKey] = lineage;
        if (groupWinner) for (let k = 0; k < n; k++) if (groupWinner[k] < 0) groupWinner[k] = winner[k];
      }
      if (policy.lineage && groupWinner) {
        const lineage = new Array<string | null>(n);
        for (let i = 0; i < n; i++) {
          const j = groupWinner[order[i]];
          lineage[i] = j < 0 ? null : lineages[j];
        }
        out[policy.lineage] = lineage;
      }
    }

    for (const { f, copies } of keep)
      for (const { source, key } of copies) {
        const raw = cols.raw(f, source);
        let numbers = true;
        for (let k = 0; k < n && numbers; k++) numbers = typeof raw[k] === 'number';
        const values = numbers ? new Float64Array(n) : new Array<unknown>(n);
        for (let i = 0; i < n; i++) {
          const v = raw[order[i]];
          values[i] = v === undefined ? null : v;
        }
        out[key] = values;
      }

    const bits = new Uint32Array(n);
    sourceNames.forEach((s, b) => {
      const present = cols.present(s);
      for (let k = 0; k < n; k++) if (present[k]) bits[k] |= 1 << b;
    });
    const present = new Array<string[]>(n);
    for (let i = 0; i < n; i++) present[i] = presentLists[bits[order[i]]];
    out.sources_present = present;
    // Rows without issues have none (`undefined`, an absent key), as the row version left them.
    if (anyIssue) out.fusion_issues = Array.from(order, (k) => issues[k]);
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

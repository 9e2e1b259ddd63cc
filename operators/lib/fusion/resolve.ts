/**
 * Field-by-field fusion of one key's Bronze rows by a {@link SourcePrioritySpec}: for every field the
 * first source (in the group's order) whose value is valid wins, and `<field>_source` records which
 * one (its lineage label). Fields no source has valid stay `null` with a `null` lineage, for the
 * imputation step, and the reasons are kept in `fusion_issues`.
 */
import type { Rec } from '../../../engine/api/index.ts';
import type { FieldPolicy, GroupPolicy, SourcePrioritySpec } from './policy.ts';
import { compileRules, type Check } from './rules.ts';

/** The rows of one key: source → dataset → row. */
export type KeyRows = Map<string, Map<string, Rec>>;

interface CompiledField {
  name: string;
  /** `<name>_source`, built once. */
  sourceKey: string;
  check: Check;
  /** Reads the field's (scaled) value from one source's rows. */
  read(source: string, rows: KeyRows): unknown;
}

interface CompiledGroup {
  policy: GroupPolicy;
  fields: CompiledField[];
}

export interface Fuser {
  /** Fuses the rows of one key into a Gold-candidate row. */
  fuse(key: Rec, rows: KeyRows): Rec;
  /** Every `<field>` the policy produces, in policy order. */
  readonly fields: readonly string[];
  readonly keyColumns: readonly string[];
  /** Datasets any field reads, per source (rows of other datasets are not fused). */
  readonly datasets: ReadonlySet<string>;
}

function reader(name: string, group: GroupPolicy, f: FieldPolicy, datasets: Set<string>) {
  const bindings = new Map<string, { dataset: string; field: string; scale: number }>();
  for (const source of group.order) {
    const b = f.sources?.[source] ?? {};
    const dataset = b.dataset ?? group.datasets?.[source] ?? group.dataset;
    if (!dataset)
      throw new Error(
        `source priority: field "${name}" of group "${group.name}" has no dataset for source "${source}"`,
      );
    datasets.add(dataset);
    bindings.set(source, { dataset, field: b.field ?? f.from ?? name, scale: b.scale ?? 1 });
  }
  return (source: string, rows: KeyRows): unknown => {
    const b = bindings.get(source);
    if (!b) return undefined;
    const v = rows.get(source)?.get(b.dataset)?.[b.field];
    return b.scale !== 1 && typeof v === 'number' ? v * b.scale : v;
  };
}

/** Compiles a policy once; the result fuses any number of keys. Throws on an inconsistent policy. */
export function compileFusion(spec: SourcePrioritySpec): Fuser {
  const datasets = new Set<string>();
  const seen = new Set<string>();
  const groups: CompiledGroup[] = spec.groups.map((g) => {
    for (const s of g.order)
      if (!spec.sources[s])
        throw new Error(
          `source priority: group "${g.name}" orders unknown source "${s}" (declared: ${Object.keys(spec.sources).join(', ')})`,
        );
    return {
      policy: g,
      fields: Object.entries(g.fields).map(([name, f]) => {
        if (seen.has(name))
          throw new Error(`source priority: field "${name}" appears in more than one group`);
        seen.add(name);
        return {
          name,
          sourceKey: `${name}_source`,
          check: compileRules(f.type ?? 'number', f.rules),
          read: reader(name, g, f, datasets),
        };
      }),
    };
  });
  const fieldIndex = new Map(groups.flatMap((g) => g.fields.map((f) => [f.name, f] as const)));
  const keyColumns = spec.key ?? ['symbol', 'trade_date'];

  /** Why source `s`'s value of `f` is invalid (undefined if valid); cross-field rules read the same source. */
  const invalid = (
    f: CompiledField,
    s: string,
    rows: KeyRows,
    sibling: (field: string) => unknown,
  ): string | undefined => f.check(f.read(s, rows), sibling);

  // Everything that does not depend on the rows is resolved once (this runs for every key of a day).
  const lineageOf = new Map(Object.entries(spec.sources).map(([s, info]) => [s, info.lineage]));
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

  // Cross-field rules read sibling fields of the same source's rows. The readers are built once and
  // read the key being fused through `current` (fuse is synchronous and not re-entrant), instead of
  // allocating a map and closures per key: this runs for every (symbol, day) of the market.
  let current: KeyRows = new Map();
  const siblingBySource = new Map(
    sourceNames.map((s) => [s, (other: string) => fieldIndex.get(other)?.read(s, current)] as const),
  );
  const siblingOf = (s: string) => siblingBySource.get(s)!;

  return {
    fields: [...fieldIndex.keys()],
    keyColumns,
    datasets,
    fuse(key, rows) {
      const out: Rec = { ...key };
      const issues: string[] = [];
      current = rows;
      for (const { policy, fields } of groups) {
        let whole: string | undefined;
        if (policy.mode === 'record') {
          // Plain loops: no closures allocated per key (same result as order.find + fields.every).
          for (const s of policy.order) {
            if (!rows.has(s)) continue;
            const sib = siblingOf(s);
            let ok = true;
            for (const f of fields)
              if (invalid(f, s, rows, sib) !== undefined) {
                ok = false;
                break;
              }
            if (ok) {
              whole = s;
              break;
            }
          }
        }
        let groupLineage: string | null = null;
        for (const f of fields) {
          let winner = whole;
          if (winner === undefined) {
            for (const s of policy.order) {
              if (!rows.has(s)) continue;
              const why = invalid(f, s, rows, siblingOf(s));
              if (why === undefined) {
                winner = s;
                break;
              }
              issues.push(`${f.name}@${s}: ${why}`);
            }
          }
          const lineage = winner === undefined ? null : lineageOf.get(winner)!;
          out[f.name] = winner === undefined ? null : f.read(winner, rows);
          out[f.sourceKey] = lineage;
          groupLineage ??= lineage;
        }
        if (policy.lineage) out[policy.lineage] = groupLineage;
      }
      for (const { f, copies } of keep) {
        for (const { source, key: k } of copies) {
          const v = f.read(source, rows);
          out[k] = v === undefined ? null : v;
        }
      }
      out.sources_present = sourceNames.filter((s) => rows.has(s));
      if (issues.length) out.fusion_issues = issues;
      return out;
    },
  };
}

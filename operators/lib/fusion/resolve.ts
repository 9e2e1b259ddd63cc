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
    if (!dataset) throw new Error(`source priority: field "${name}" of group "${group.name}" has no dataset for source "${source}"`);
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
    for (const s of g.order) if (!spec.sources[s]) throw new Error(`source priority: group "${g.name}" orders unknown source "${s}" (declared: ${Object.keys(spec.sources).join(', ')})`);
    return {
      policy: g,
      fields: Object.entries(g.fields).map(([name, f]) => {
        if (seen.has(name)) throw new Error(`source priority: field "${name}" appears in more than one group`);
        seen.add(name);
        return { name, check: compileRules(f.type ?? 'number', f.rules), read: reader(name, g, f, datasets) };
      }),
    };
  });
  const fieldIndex = new Map(groups.flatMap((g) => g.fields.map((f) => [f.name, f] as const)));
  const keyColumns = spec.key ?? ['symbol', 'trade_date'];

  /** Why source `s`'s value of `f` is invalid (undefined if valid); cross-field rules read the same source. */
  const invalid = (f: CompiledField, s: string, rows: KeyRows): string | undefined =>
    f.check(f.read(s, rows), (other) => fieldIndex.get(other)?.read(s, rows));

  return {
    fields: [...fieldIndex.keys()],
    keyColumns,
    datasets,
    fuse(key, rows) {
      const out: Rec = { ...key };
      const issues: string[] = [];
      for (const { policy, fields } of groups) {
        let whole: string | undefined;
        if (policy.mode === 'record') {
          whole = policy.order.find((s) => rows.has(s) && fields.every((f) => invalid(f, s, rows) === undefined));
        }
        let groupLineage: string | null = null;
        for (const f of fields) {
          let winner = whole;
          if (winner === undefined) {
            for (const s of policy.order) {
              const why = rows.has(s) ? invalid(f, s, rows) : 'no rows';
              if (why === undefined) {
                winner = s;
                break;
              }
              if (rows.has(s)) issues.push(`${f.name}@${s}: ${why}`);
            }
          }
          out[f.name] = winner === undefined ? null : f.read(winner, rows);
          out[`${f.name}_source`] = winner === undefined ? null : spec.sources[winner].lineage;
          groupLineage ??= winner === undefined ? null : spec.sources[winner].lineage;
        }
        if (policy.lineage) out[policy.lineage] = groupLineage;
      }
      for (const name of spec.keepSourceValues ?? []) {
        const f = fieldIndex.get(name);
        if (!f) throw new Error(`source priority: keepSourceValues names unknown field "${name}"`);
        for (const [s, info] of Object.entries(spec.sources)) {
          const v = f.read(s, rows);
          out[`${name}_${info.suffix ?? s}`] = v === undefined ? null : v;
        }
      }
      out.sources_present = Object.keys(spec.sources).filter((s) => rows.has(s));
      if (issues.length) out.fusion_issues = issues;
      return out;
    },
  };
}

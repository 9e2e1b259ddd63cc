/**
 * `kind: SourcePriority`: per field group, the source order and each field's validity rules
 * (domain §3). Read by the `fuse` operator via `ctx.spec('SourcePriority', name)`, so editing the
 * YAML (order, rules, bindings) changes the fused result without code, including under hot reload.
 *
 * @example
 * apiVersion: argus/v1
 * kind: SourcePriority
 * metadata: {name: a_share_daily, version: 1}
 * spec:
 *   sources: {qmt: {lineage: miniQMT}, tushare: {lineage: Tushare}}
 *   groups:
 *     - {name: price, order: [qmt, tushare], dataset: daily, fields: {close: {rules: [{gt: 0}]}}}
 */
import { defineKind, type SpecDoc } from '../../engine/api/index.ts';
import { compileFusion } from '../lib/fusion/resolve.ts';
import { LINEAGE_VALUES, type SourcePrioritySpec } from '../lib/fusion/policy.ts';
import { RULE_NAMES } from '../lib/fusion/rules.ts';

const name = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
const number = { type: 'number' };

const rule = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    min: number,
    max: number,
    gt: number,
    lt: number,
    gte_field: name,
    lte_field: name,
    gt_field: name,
    lt_field: name,
    integer: { const: true },
    enum: { type: 'array', minItems: 1, items: { type: ['string', 'number'] } },
    pattern: { type: 'string' },
  },
};

const binding = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataset: { type: 'string' },
    field: { type: 'string' },
    scale: { type: 'number', exclusiveMinimum: 0 },
  },
};

const field = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string' },
    sources: { type: 'object', additionalProperties: binding },
    type: { enum: ['number', 'string'] },
    rules: { type: 'array', items: rule },
    reported_null: {
      type: 'boolean',
      description:
        "A null the source sent in a row it has is the value (a loss-maker's pe_ttm), not a gap: lineage names the source and imputation leaves it",
    },
    description: { type: 'string' },
  },
};

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['sources', 'groups'],
  properties: {
    key: { type: 'array', items: { type: 'string' }, minItems: 1 },
    sources: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['lineage'],
        properties: { lineage: { enum: [...LINEAGE_VALUES] }, suffix: { type: 'string' } },
      },
    },
    expect: { type: 'array', items: { type: 'string' } },
    keepSourceValues: { type: 'array', items: { type: 'string' } },
    passthrough: { type: 'array', items: { type: 'string' } },
    groups: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'order', 'fields'],
        properties: {
          name: { type: 'string' },
          description: { type: 'string' },
          order: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
          dataset: { type: 'string' },
          datasets: { type: 'object', additionalProperties: { type: 'string' } },
          mode: { enum: ['field', 'record'] },
          lineage: name,
          fields: { type: 'object', minProperties: 1, additionalProperties: field },
        },
      },
    },
  },
};

/** Cross-references the schema cannot express: known sources, fields named by rules, compilable policy. */
export function checkSourcePriority(
  doc: SpecDoc<SourcePrioritySpec>,
): { pointer: string; message: string }[] {
  const problems: { pointer: string; message: string }[] = [];
  const spec = doc.spec;
  const sources = Object.keys(spec.sources);
  const fields = new Set(spec.groups.flatMap((g) => Object.keys(g.fields)));
  (spec.expect ?? []).forEach((stream, i) => {
    const s = stream.split('/')[0];
    if (!sources.includes(s))
      problems.push({
        pointer: `/expect/${i}`,
        message: `unknown source "${s}"; declare it under sources (${sources.join(', ')})`,
      });
  });
  (spec.keepSourceValues ?? []).forEach((f, i) => {
    if (!fields.has(f)) problems.push({ pointer: `/keepSourceValues/${i}`, message: `unknown field "${f}"` });
  });
  spec.groups.forEach((g, gi) => {
    g.order.forEach((s, si) => {
      if (!sources.includes(s))
        problems.push({
          pointer: `/groups/${gi}/order/${si}`,
          message: `unknown source "${s}"; declare it under sources (${sources.join(', ')})`,
        });
    });
    if (g.lineage && [...fields].some((f) => `${f}_source` === g.lineage || f === g.lineage)) {
      problems.push({
        pointer: `/groups/${gi}/lineage`,
        message: `group lineage column "${g.lineage}" collides with a field or its own <field>_source column`,
      });
    }
    for (const [fname, f] of Object.entries(g.fields)) {
      (f.rules ?? []).forEach((r, ri) => {
        const [rname, arg] = Object.entries(r)[0] ?? [];
        if (rname?.endsWith('_field') && !fields.has(arg as string)) {
          problems.push({
            pointer: `/groups/${gi}/fields/${fname}/rules/${ri}`,
            message: `rule ${rname} compares with unknown field "${arg}"`,
          });
        }
        if (rname === 'pattern') {
          try {
            new RegExp(arg as string);
          } catch (e) {
            problems.push({
              pointer: `/groups/${gi}/fields/${fname}/rules/${ri}`,
              message: `invalid pattern: ${(e as Error).message}`,
            });
          }
        }
        if (rname && !(RULE_NAMES as readonly string[]).includes(rname))
          problems.push({
            pointer: `/groups/${gi}/fields/${fname}/rules/${ri}`,
            message: `unknown rule "${rname}"`,
          });
      });
      for (const s of Object.keys(g.datasets ?? {})) {
        if (!g.order.includes(s))
          problems.push({
            pointer: `/groups/${gi}/datasets/${s}`,
            message: `dataset for source "${s}" that is not in the group's order`,
          });
      }
      for (const s of Object.keys(f.sources ?? {})) {
        if (!g.order.includes(s))
          problems.push({
            pointer: `/groups/${gi}/fields/${fname}/sources/${s}`,
            message: `binding for source "${s}" that is not in the group's order`,
          });
      }
    }
  });
  if (problems.length === 0) {
    try {
      compileFusion(spec);
    } catch (e) {
      problems.push({ pointer: '', message: (e as Error).message });
    }
  }
  return problems;
}

export default defineKind<SourcePrioritySpec>({
  kind: 'SourcePriority',
  description:
    "Source order per field group and each field's validity rules, used by the fuse operator (domain §3).",
  schema,
  check: checkSourcePriority,
});

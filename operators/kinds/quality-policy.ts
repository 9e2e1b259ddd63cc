/**
 * `kind: QualityPolicy` — consistency tolerances, dynamic tiers, K-line, completeness, timeliness
 * and validity rules read by `consistency_gate` and `quality_score` (see `policies/quality.yaml`).
 */
import { defineKind } from '../../engine/api/index.ts';
import type { QualityPolicySpec } from '../lib/quality/types.ts';

const ratio = { type: 'number', minimum: 0, maximum: 1 };
const strings = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };
const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

export default defineKind<QualityPolicySpec>({
  kind: 'QualityPolicy',
  description:
    'Data-quality thresholds: multi-source consistency (with dynamic tiers), K-line logic, completeness, timeliness, validity',
  schema: obj({
    consistency: obj(
      {
        fields: {
          type: 'array',
          minItems: 1,
          items: obj(
            {
              name: { type: 'string', minLength: 1 },
              primary: { type: 'string', minLength: 1 },
              secondary: { type: 'string', minLength: 1 },
              tolerance: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
              dynamic: { type: 'boolean' },
            },
            ['name', 'primary', 'secondary', 'tolerance'],
          ),
        },
        batch_target: ratio,
        review_threshold: { type: 'number', minimum: 0 },
        group_by: { type: ['string', 'null'] },
      },
      ['fields', 'batch_target', 'review_threshold'],
    ),
    dynamic: obj({
      enabled: { type: 'boolean' },
      volatility_index: obj(
        {
          definition: { const: 'mean_abs_daily_range' },
          high: strings,
          low: strings,
          reference: strings,
          min_symbols: { type: 'integer', minimum: 1 },
        },
        ['definition', 'high', 'low', 'reference'],
      ),
      tiers: {
        type: 'array',
        items: obj({ above: { type: 'number', minimum: 0 }, multiplier: { type: 'number', minimum: 1 } }),
      },
    }),
    kline: obj({
      target: ratio,
      rules: { type: 'array', items: obj({ id: { type: 'string' }, description: { type: 'string' } }) },
    }),
    completeness: obj({
      symbol_ratio_target: ratio,
      key_fields: strings,
      fields: strings,
      key_missing_target: ratio,
      key_missing_alert: ratio,
      total_missing_alert: ratio,
      close_missing_p0: ratio,
    }),
    timeliness: obj({
      market_close: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
      utc_offset: { type: 'string', pattern: '^[+-]\\d{2}:\\d{2}$' },
      max_minutes: { type: 'number', exclusiveMinimum: 0 },
    }),
    validity: obj({
      symbol_pattern: { type: 'string' },
      ranges: {
        type: 'object',
        additionalProperties: obj(
          { min: { type: 'number' }, max: { type: 'number' }, exclusive_min: { type: 'boolean' } },
          [],
        ),
      },
      enums: { type: 'object', additionalProperties: strings },
    }),
  }),
  check(doc) {
    const errs: { pointer: string; message: string }[] = [];
    const s = doc.spec;
    const names = new Set<string>();
    s.consistency.fields.forEach((f, i) => {
      if (names.has(f.name))
        errs.push({ pointer: `/consistency/fields/${i}/name`, message: `duplicate field "${f.name}"` });
      names.add(f.name);
    });
    const seen = new Set<number>();
    s.dynamic.tiers.forEach((t, i) => {
      if (seen.has(t.above))
        errs.push({
          pointer: `/dynamic/tiers/${i}/above`,
          message: `two tiers share the threshold ${t.above}`,
        });
      seen.add(t.above);
    });
    // A higher volatility tier must not tighten the tolerance again.
    const sorted = [...s.dynamic.tiers].sort((a, b) => a.above - b.above);
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i].multiplier < sorted[i - 1].multiplier)
        errs.push({
          pointer: `/dynamic/tiers`,
          message: `tier above ${sorted[i].above} has a smaller multiplier than tier above ${sorted[i - 1].above}`,
        });
    try {
      new RegExp(s.validity.symbol_pattern);
    } catch (e) {
      errs.push({
        pointer: '/validity/symbol_pattern',
        message: `not a valid regular expression: ${(e as Error).message}`,
      });
    }
    for (const f of s.completeness.key_fields)
      if (!s.completeness.fields.includes(f))
        errs.push({
          pointer: '/completeness/key_fields',
          message: `key field "${f}" is not listed in completeness.fields`,
        });
    return errs;
  },
});

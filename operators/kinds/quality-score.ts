/**
 * `kind: QualityScore` — composite score dimensions, weights and bands (see `policies/quality-score.yaml`).
 */
import { defineKind } from '../../engine/api/index.ts';
import type { QualityScoreSpec } from '../lib/quality/types.ts';

const DIMENSIONS = ['completeness', 'accuracy', 'consistency', 'timeliness', 'validity_uniqueness'];

export default defineKind<QualityScoreSpec>({
  kind: 'QualityScore',
  description: 'Composite data-quality score: dimension weights (summing to 1) and colour bands',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['dimensions', 'bands', 'monthly_target'],
    properties: {
      dimensions: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'weight', 'description'],
          properties: {
            id: { enum: DIMENSIONS },
            kpi: { type: 'string' },
            weight: { type: 'number', minimum: 0, maximum: 1 },
            description: { type: 'string' },
          },
        },
      },
      bands: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'min'],
          properties: {
            name: { type: 'string', minLength: 1 },
            min: { type: 'number', minimum: 0, maximum: 100 },
          },
        },
      },
      monthly_target: { type: 'number', minimum: 0, maximum: 100 },
    },
  },
  check(doc) {
    const errs: { pointer: string; message: string }[] = [];
    const sum = doc.spec.dimensions.reduce((a, d) => a + d.weight, 0);
    if (Math.abs(sum - 1) > 1e-9)
      errs.push({ pointer: '/dimensions', message: `weights sum to ${sum}, must sum to 1` });
    const ids = doc.spec.dimensions.map((d) => d.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        errs.push({ pointer: `/dimensions/${i}/id`, message: `dimension "${id}" listed twice` });
    });
    if (!doc.spec.bands.some((b) => b.min === 0))
      errs.push({ pointer: '/bands', message: 'one band must start at 0 so every score has a band' });
    return errs;
  },
});

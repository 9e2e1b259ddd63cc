import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { SpecDoc } from '../../engine/api/index.ts';
import { resolvePolicy, type ImputePolicySpec } from '../lib/impute/policy.ts';
import kind from './impute-policy.ts';

const file = new URL('../../policies/impute.yaml', import.meta.url);
const load = (edit?: (s: ImputePolicySpec) => void): SpecDoc<ImputePolicySpec> => {
  const doc = parse(readFileSync(file, 'utf8')) as SpecDoc<ImputePolicySpec>;
  edit?.(doc.spec);
  return { ...doc, file: file.pathname };
};

describe('ImputePolicy kind', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(kind.schema);

  it('accepts policies/impute.yaml and resolves it as the domain spec says', () => {
    const doc = load();
    expect(validate(doc.spec), JSON.stringify(validate.errors)).toBe(true);
    expect(kind.check!(doc)).toEqual([]);
    const p = resolvePolicy(doc.spec);
    expect(p.fields.filter((f) => f.key).map((f) => f.name)).toEqual([
      'open',
      'high',
      'low',
      'close',
      'volume',
      'turnover',
    ]);
    expect(p.fields.find((f) => f.name === 'close')!.methods[0]).toBe('prophet');
    expect(p.fields.find((f) => f.name === 'pe_ttm')!.methods).toEqual(['ffill', 'industry_mean']);
    expect(p.fields.find((f) => f.name === 'pe_ttm')!.nullable).toBe(true);
    expect(p.fields.find((f) => f.name === 'volume')!.native).toEqual({
      model: 'mean',
      window: 5,
      season: 5,
    });
    expect(p.fields.find((f) => f.name === 'volume')!.prophet.changepoint_prior_scale).toBe(0.5);
    expect(p.fields.find((f) => f.name === 'close')!.prophet.changepoint_prior_scale).toBe(0.05);
    expect(p.lineage).toEqual({
      prophet: 'Imputed_ML',
      native: 'Imputed_ML',
      ffill: 'Imputed_Static',
      industry_mean: 'Imputed_Static',
    });
    expect(p.alerts).toEqual({ target: 0.001, key: 0.01, total: 0.05 });
  });

  it('rejects unknown methods, lineage values and keys', () => {
    const doc = load((s) => {
      s.fields[0].methods = ['prophet', 'magic' as never];
      (s.lineage as Record<string, string>).ffill = 'Tushare';
      (s as unknown as Record<string, unknown>).maxgap = 3;
    });
    expect(validate(doc.spec)).toBe(false);
    const paths = validate.errors!.map(
      (e) => e.instancePath + ' ' + (e.params as { additionalProperty?: string }).additionalProperty,
    );
    expect(paths.some((p) => p.startsWith('/fields/0/methods/1'))).toBe(true);
    expect(paths.some((p) => p.startsWith('/lineage/ffill'))).toBe(true);
    expect(paths.some((p) => p.includes('maxgap'))).toBe(true);
  });

  it('checks cross-field rules with pointers', () => {
    const doc = load((s) => {
      s.fields[1].name = 'open';
      s.fields[2].methods = ['ffill', 'ffill'];
      s.alerts = { target_key_missing_rate: 0.02, key_missing_rate: 0.01 };
      s.kline = { open: 'open', high: 'hi', low: 'low', close: 'close' };
    });
    expect(kind.check!(doc).map((e) => e.pointer)).toEqual([
      '/fields/1/name',
      '/fields/2/methods/1',
      '/alerts/target_key_missing_rate',
      '/kline/high',
    ]);
    const noKey = load((s) => s.fields.forEach((f) => (f.key = false)));
    expect(kind.check!(noKey)).toEqual([
      { pointer: '/fields', message: expect.stringMatching(/no field is marked key/) },
    ]);
  });
});

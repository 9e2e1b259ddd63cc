import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { SpecDoc } from '../../engine/api/index.ts';
import { quotaConfigFromSpec, type QuotaPolicySpec } from '../../engine/backends/quota/index.ts';
import kind from './quota-policy.ts';

const file = new URL('../../policies/quotas.yaml', import.meta.url);
const load = (edit?: (s: QuotaPolicySpec) => void): SpecDoc<QuotaPolicySpec> => {
  const doc = parse(readFileSync(file, 'utf8')) as SpecDoc<QuotaPolicySpec>;
  edit?.(doc.spec);
  return { ...doc, file: file.pathname };
};

describe('QuotaPolicy kind', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(kind.schema);

  it('accepts policies/quotas.yaml and resolves the domain defaults', () => {
    const doc = load();
    expect(validate(doc.spec), JSON.stringify(validate.errors)).toBe(true);
    expect(kind.check!(doc as never)).toEqual([]);
    const c = quotaConfigFromSpec('tushare', doc.spec);
    expect(c.keyPrefix).toBe('tushare:quota');
    expect(c.timeZone).toBe('Asia/Shanghai');
    expect(c.alertRatio).toBe(0.9);
    expect(Object.fromEntries(Object.entries(c.endpoints).map(([e, l]) => [e, l.daily]))).toEqual({
      daily: 20000,
      adj_factor: 20000,
      daily_basic: 10000,
      dividend: 5000,
    });
    expect(c.endpoints.daily.perMinute).toBe(200); // 2000 points
    expect(c.defaults).toEqual({ daily: null, perMinute: 200 });
  });

  it('picks the per-minute rate of the points tier', () => {
    const rate = (points: number) =>
      quotaConfigFromSpec('t', load((s) => (s.points = points)).spec).endpoints.daily.perMinute;
    expect([rate(120), rate(1999), rate(2000), rate(4999), rate(5000), rate(12000)]).toEqual([
      50, 50, 200, 200, 500, 500,
    ]);
    expect(() => quotaConfigFromSpec('t', load((s) => (s.points = 100)).spec)).toThrow(
      /below every rate tier/,
    );
  });

  it('rejects unknown keys and bad ratios', () => {
    expect(validate(load((s) => ((s as unknown as Record<string, unknown>).alert_ration = 0.9)).spec)).toBe(
      false,
    );
    expect(validate(load((s) => (s.alert_ratio = 1.5)).spec)).toBe(false);
    expect(validate(load((s) => (s.endpoints.daily = { daily_limit: -1 })).spec)).toBe(false);
  });

  it('reports cross-field problems with pointers', () => {
    const doc = load((s) => {
      s.time_zone = 'Asia/Beijing';
      s.points = 50;
      s.market_data_endpoints = ['daily', 'bars'];
    });
    expect(kind.check!(doc as never)).toEqual([
      { pointer: '/time_zone', message: expect.stringMatching(/unknown time zone "Asia\/Beijing"/) },
      { pointer: '/points', message: expect.stringMatching(/below every rate tier \(lowest 120\)/) },
      { pointer: '/market_data_endpoints/1', message: '"bars" is not listed under endpoints' },
    ]);
  });
});

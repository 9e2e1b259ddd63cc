import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import kind from './source-priority.ts';
import { policyDoc } from '../lib/fusion/testing.ts';

describe('SourcePriority kind', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(kind.schema);

  it('accepts the repository policy', () => {
    const doc = policyDoc();
    expect(validate(doc.spec), JSON.stringify(validate.errors)).toBe(true);
    expect(kind.check!(doc)).toEqual([]);
  });

  it('rejects schema violations', () => {
    expect(
      validate(
        policyDoc((s) => {
          (s.sources.qmt as { lineage: string }).lineage = 'QMT';
        }).spec,
      ),
    ).toBe(false);
    expect(
      validate(
        policyDoc((s) => {
          s.groups[0].fields.close.rules = [{ gt: 0, lt: 5 } as never];
        }).spec,
      ),
    ).toBe(false);
    expect(
      validate(
        policyDoc((s) => {
          (s.groups[0] as unknown as Record<string, unknown>).odrer = [];
        }).spec,
      ),
    ).toBe(false);
  });

  it('reports cross references with JSON pointers', () => {
    const doc = policyDoc((s) => {
      s.expect = ['qmt', 'wind'];
      s.groups[0].order = ['qmt', 'tushare', 'bloomberg'];
      s.groups[0].fields.close.rules = [{ gte_field: 'lowest' }];
    });
    expect(kind.check!(doc)).toEqual([
      { pointer: '/expect/1', message: expect.stringMatching(/unknown source "wind"/) },
      { pointer: '/groups/0/order/2', message: expect.stringMatching(/unknown source "bloomberg"/) },
      {
        pointer: '/groups/0/fields/close/rules/0',
        message: 'rule gte_field compares with unknown field "lowest"',
      },
    ]);
  });
});

describe('SourcePriority group lineage', () => {
  it('refuses a group lineage column that shadows a field lineage', () => {
    const doc = policyDoc((s) => {
      s.groups[0].lineage = 'close_source';
    });
    expect(kind.check!(doc)).toEqual([
      { pointer: '/groups/0/lineage', message: expect.stringMatching(/collides/) },
    ]);
  });
});

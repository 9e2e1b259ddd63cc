import { describe, expect, it } from 'vitest';
import { diffTableSchemas, type ColumnSpec, type SchemaDoc } from './diff.ts';
import { typeChange } from './types.ts';
import { compareVersions, major, reviewSchemas } from './check.ts';

const cols: ColumnSpec[] = [
  { name: 'trade_date', type: 'date', nullable: false },
  { name: 'symbol', type: 'string', nullable: false },
  { name: 'close', type: 'decimal(18,4)', nullable: false },
  { name: 'pe_ttm', type: 'decimal(18,4)', nullable: true },
];
const doc = (version: string | number, edit: (c: ColumnSpec[]) => ColumnSpec[] = (c) => c, partitionBy = ['trade_date']): SchemaDoc => ({
  name: 'gold.t', version, file: `schemas/t/v${version}.yaml`, spec: { table: 'gold/t', partitionBy, columns: edit(structuredClone(cols)) },
});

describe('diffTableSchemas verdicts', () => {
  it.each<[string, (c: ColumnSpec[]) => ColumnSpec[], 'compatible' | 'breaking', string]>([
    ['additive nullable column', (c) => [...c, { name: 'rating', type: 'string', nullable: true }], 'compatible', 'column-added'],
    ['additive column, nullable by default', (c) => [...c, { name: 'rating', type: 'string' }], 'compatible', 'column-added'],
    ['additive non-nullable column', (c) => [...c, { name: 'rating', type: 'string', nullable: false }], 'breaking', 'column-added'],
    ['dropped column', (c) => c.filter((x) => x.name !== 'pe_ttm'), 'breaking', 'column-removed'],
    ['renamed column', (c) => c.map((x) => (x.name === 'pe_ttm' ? { ...x, name: 'pe' } : x)), 'breaking', 'column-renamed'],
    ['narrowed decimal', (c) => c.map((x) => (x.name === 'close' ? { ...x, type: 'decimal(10,2)' } : x)), 'breaking', 'type'],
    ['widened decimal', (c) => c.map((x) => (x.name === 'close' ? { ...x, type: 'decimal(20,6)' } : x)), 'compatible', 'type'],
    ['changed type', (c) => c.map((x) => (x.name === 'symbol' ? { ...x, type: 'long' } : x)), 'breaking', 'type'],
    ['tightened nullability', (c) => c.map((x) => (x.name === 'pe_ttm' ? { ...x, nullable: false } : x)), 'breaking', 'nullability'],
    ['relaxed nullability', (c) => c.map((x) => (x.name === 'close' ? { ...x, nullable: true } : x)), 'compatible', 'nullability'],
  ])('%s → %s', (_what, edit, verdict, kind) => {
    const d = diffTableSchemas(doc(1), doc(2, edit));
    expect(d.verdict).toBe(verdict);
    expect(d.changes.map((c) => c.kind)).toContain(kind);
  });

  it('partitioning and table path changes are breaking', () => {
    expect(diffTableSchemas(doc(1), doc(2, undefined, ['symbol'])).changes[0]).toMatchObject({ kind: 'partitioning', severity: 'breaking' });
    const moved = { ...doc(2), spec: { ...doc(2).spec, table: 'gold/t2' } };
    expect(diffTableSchemas(doc(1), moved).verdict).toBe('breaking');
  });

  it('descriptions and rules are listed but change nothing', () => {
    const d = diffTableSchemas(doc(1), doc(2, (c) => c.map((x) => (x.name === 'close' ? { ...x, description: 'hfq', rules: [{ gt: 0 }] } : x))));
    expect(d.changes.map((c) => [c.kind, c.severity])).toEqual([['description', 'info'], ['rules', 'info']]);
    expect(d.verdict).toBe('compatible');
    expect(diffTableSchemas(doc(1), doc(1)).verdict).toBe('unchanged');
  });

  it('classifies type changes', () => {
    expect(typeChange('int', 'bigint')).toBe('widening');
    expect(typeChange('long', 'integer')).toBe('breaking');
    expect(typeChange('float', 'double')).toBe('widening');
    expect(typeChange('decimal(18,4)', 'decimal(18,6)')).toBe('breaking'); // fewer integer digits
    expect(typeChange('integer', 'decimal(12,2)')).toBe('widening');
    expect(typeChange('string', 'date')).toBe('breaking');
  });
});

describe('reviewSchemas gate', () => {
  it('lets a breaking change through only with a new major version', () => {
    const drop = (c: ColumnSpec[]) => c.filter((x) => x.name !== 'pe_ttm');
    expect(reviewSchemas([doc(1)], [doc(1), doc('1.1', drop)]).problems).toEqual([expect.stringMatching(/breaking change from v1 to v1.1 needs a new major version \(v2\): column pe_ttm/)]);
    expect(reviewSchemas([doc(1)], [doc(1), doc(2, drop)]).problems).toEqual([]);
    expect(reviewSchemas([doc(1)], [doc(1), doc('1.1', (c) => [...c, { name: 'x', type: 'string' }])]).problems).toEqual([]);
  });

  it('refuses edited, removed, duplicated or older versions', () => {
    const add = (c: ColumnSpec[]) => [...c, { name: 'x', type: 'string' }];
    expect(reviewSchemas([doc(1)], [doc(1, add)]).problems[0]).toMatch(/published gold.t v1 \(schemas\/t\/v1.yaml\) was edited/);
    expect(reviewSchemas([doc(1), doc(2)], [doc(2)]).problems[0]).toMatch(/v1 .* was removed/);
    expect(reviewSchemas([], [doc(1), { ...doc(1), file: 'other.yaml' }]).problems[0]).toMatch(/declared twice/);
    expect(reviewSchemas([doc(2)], [doc(2), doc('1.5')]).problems).toEqual([]); // latest is still v2
  });

  it('compares versions numerically', () => {
    expect(compareVersions('1.10', '1.9')).toBeGreaterThan(0);
    expect(major('3.1')).toBe(3);
    expect(() => major('v1')).toThrow(/not N or N.M/);
  });
});

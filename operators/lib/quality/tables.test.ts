import { describe, expect, it } from 'vitest';
import type { Rec, SpecDoc } from '../../../engine/api/index.ts';
import tableSchemaKind from '../../../engine/lake/table-schema-kind.ts';
import { testContext } from '../../../engine/testing/context.ts';
import { runTransform } from '../../../engine/testing/drivers.ts';
import gate from '../../transforms/consistency_gate.ts';
import score from '../../transforms/quality_score.ts';
import { marketDay, offsetCloses } from './fixtures.ts';
import { repoQualitySpecs } from './policies.ts';
import { QUALITY_TABLES, qualityTableSchemas } from './tables.ts';
import { validateSpec } from './spec-file.ts';

const keysOf = (recs: Rec[]) => [...new Set(recs.flatMap((r) => Object.keys(r)))].sort();
const columnsOf = (t: keyof typeof QUALITY_TABLES) => QUALITY_TABLES[t].map((c) => c.name).sort();

describe('quality tables', () => {
  it('are valid TableSchema documents', () => {
    for (const doc of qualityTableSchemas())
      expect(() =>
        validateSpec({ ...doc, file: doc.metadata.name } as SpecDoc<never>, tableSchemaKind as never),
      ).not.toThrow();
  });

  it('have exactly the columns the operator ports emit, with nullability matching the values', async () => {
    const ctx = testContext({ specs: repoQualitySpecs() });
    const gated = await runTransform(
      gate,
      {},
      [
        ...offsetCloses(marketDay({ symbols: 100, date: '2024-12-30', volatility: 0.02 }), 0.05, 0.02),
        ...marketDay({ symbols: 100, date: '2024-12-31', volatility: 0.02 }),
      ],
      ctx,
    );
    const scored = await runTransform(score, {}, gated.out, ctx);
    const ports: [keyof typeof QUALITY_TABLES, Rec[]][] = [
      ['quality/quarantine', gated.quarantine],
      ['quality/consistency', gated.verdict],
      ['quality/review', gated.review],
      ['quality/daily_report', scored.report],
    ];
    for (const [table, recs] of ports) {
      expect(keysOf(recs), table).toEqual(columnsOf(table));
      for (const c of QUALITY_TABLES[table].filter((x) => !x.nullable))
        expect(
          recs.every((r) => r[c.name] !== null && r[c.name] !== undefined),
          `${table}.${c.name}`,
        ).toBe(true);
    }
  });
});

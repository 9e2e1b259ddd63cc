/**
 * schemas/quality/<table>/v1.yaml (what the Gold pipeline's delta sinks create) hold exactly the
 * column lists the quality operators emit (operators/lib/quality/tables.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { qualityTableSchemas } from '../../operators/lib/quality/tables.ts';
import { ROOT } from '../bronze/harness.ts';

describe('schemas/quality', () => {
  for (const want of qualityTableSchemas())
    it(`${want.metadata.name} v1 matches the operators' columns`, () => {
      const file = join(ROOT, 'schemas', String(want.spec.table), 'v1.yaml');
      expect(parse(readFileSync(file, 'utf8'))).toEqual(want);
    });
});

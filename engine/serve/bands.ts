/**
 * Score bands and the monthly target from the project's QualityScore policy document (looked up
 * by kind and name in `policies/*.yaml`), so the dashboard colours match the policy.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_BANDS, type Band } from './data.ts';

export function scorePolicy(root: string, name = 'default'): { bands: Band[]; monthlyTarget: number } {
  const dir = join(root, 'policies');
  if (existsSync(dir))
    for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)))
      for (const d of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
        const doc = d.toJS() as {
          kind?: string;
          metadata?: { name?: string };
          spec?: { bands?: Band[]; monthly_target?: number };
        } | null;
        if (doc?.kind === 'QualityScore' && doc.metadata?.name === name && doc.spec?.bands)
          return { bands: doc.spec.bands, monthlyTarget: doc.spec.monthly_target ?? 95 };
      }
  return { bands: DEFAULT_BANDS, monthlyTarget: 95 };
}

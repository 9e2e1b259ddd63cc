/**
 * The repository's quality policy documents, loaded and validated (for tests and the CLI).
 * @example const ctx = testContext({ specs: repoQualitySpecs() });
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpecDoc } from '../../../engine/api/index.ts';
import alertPolicy from '../../kinds/alert-policy.ts';
import qualityPolicy from '../../kinds/quality-policy.ts';
import qualityScore from '../../kinds/quality-score.ts';
import { loadSpecFile } from './spec-file.ts';
import type { AlertPolicySpec, QualityPolicySpec, QualityScoreSpec } from './types.ts';

export const REPO_ROOT = join(fileURLToPath(import.meta.url), '../../../..');

export function repoQualitySpecs(root = REPO_ROOT): SpecDoc[] {
  return [
    loadSpecFile<QualityPolicySpec>(join(root, 'policies/quality.yaml'), qualityPolicy),
    loadSpecFile<QualityScoreSpec>(join(root, 'policies/quality-score.yaml'), qualityScore),
    loadSpecFile<AlertPolicySpec>(join(root, 'policies/alerts.yaml'), alertPolicy),
  ] as SpecDoc[];
}

/** A copy of a QualityPolicy document with `edit` applied to a clone of its spec (threshold edits in tests). */
export function editPolicy(doc: SpecDoc, edit: (spec: QualityPolicySpec) => void): SpecDoc {
  const spec = structuredClone(doc.spec) as QualityPolicySpec;
  edit(spec);
  return { ...doc, spec };
}

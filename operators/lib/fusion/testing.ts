/** Test helpers: the repository's SourcePriority policy as a loaded spec document, and Bronze rows. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Rec, SpecDoc } from '../../../engine/api/index.ts';
import type { SourcePrioritySpec } from './policy.ts';

export const POLICY_FILE = fileURLToPath(new URL('../../../policies/source-priority.yaml', import.meta.url));

/** The policy document from `policies/source-priority.yaml`, optionally edited by `edit`. */
export function policyDoc(edit?: (spec: SourcePrioritySpec) => void): SpecDoc<SourcePrioritySpec> {
  const doc = parse(readFileSync(POLICY_FILE, 'utf8')) as SpecDoc<SourcePrioritySpec>;
  edit?.(doc.spec);
  return { ...doc, file: POLICY_FILE };
}

/** A Bronze `daily` row of `source` with sensible prices; override any column. */
export function daily(source: 'qmt' | 'tushare', over: Rec = {}): Rec {
  return {
    source,
    dataset: source === 'qmt' ? 'hist_kline' : 'daily',
    symbol: '600519.SH',
    trade_date: '2024-06-14',
    open: 10,
    high: 11,
    low: 9.5,
    close: 10.5,
    pre_close: 10,
    volume: 120000,
    amount: 1260000,
    ...over,
  };
}

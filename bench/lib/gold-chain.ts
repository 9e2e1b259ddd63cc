/**
 * Argus's Gold logic without I/O, for the `peers` bench: the real operators `fuse` →
 * `consistency_gate` → `adjust` → `quality_score`, each wrapped by the engine runtime's
 * `nodeOperator` (the same hot path a running pipeline uses) and chained with RxJS as the
 * runtime chains nodes. Input: Bronze batches, day by day in date order (as Delta partitions
 * arrive). Output: counts of published, quarantined and error rows.
 *
 * @example
 * const chain = await goldChain();
 * const r = await chain.run(bronzeColumns(bronzeMarket({ symbols: 100, days: 3 })));
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ColumnTable } from 'arquero';
import { filter, from, lastValueFrom, map, mergeMap, reduce, type OperatorFunction } from 'rxjs';
import type { Batch, OperatorDefinition, PortBatch, SpecDoc, Transform } from '../../engine/api/index.ts';
import { rowCount, settle, tableBatch, tableFromRecords } from '../../engine/api/index.ts';
import { nodeOperator } from '../../engine/runtime/node-operator.ts';
import { testContext } from '../../engine/testing/context.ts';
import { policyDoc } from '../../operators/lib/fusion/testing.ts';
import { loadSpecFile } from '../../operators/lib/quality/spec-file.ts';
import qualityPolicyKind from '../../operators/kinds/quality-policy.ts';
import qualityScoreKind from '../../operators/kinds/quality-score.ts';
import adjust from '../../operators/transforms/adjust.ts';
import gate from '../../operators/transforms/consistency_gate.ts';
import fuse from '../../operators/transforms/fuse.ts';
import qualityScore from '../../operators/transforms/quality_score.ts';
import type { BronzeDay } from './market.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChainResult {
  bronze_rows: number;
  published: number;
  quarantined: number;
  errors: number;
  /** Wall time of the run. */
  seconds: number;
  /** CPU time of the process during the run (user + system, every thread: GC helpers included). */
  cpu_seconds: number;
}

export function qualitySpecs(): SpecDoc[] {
  return [
    loadSpecFile(join(repo, 'policies/quality.yaml'), qualityPolicyKind) as SpecDoc,
    loadSpecFile(join(repo, 'policies/quality-score.yaml'), qualityScoreKind) as SpecDoc,
  ];
}

/**
 * The market's Bronze as column tables, day by day in date order (what the delta source emits).
 * Build them once, outside any timing.
 */
export function bronzeColumns(days: readonly BronzeDay[]): ColumnTable[] {
  return days.flatMap((d) => Object.values(d.tables).map((rows) => tableFromRecords(rows)));
}

/** Builds fresh operator instances (state such as adjust's factor memory starts empty). */
export async function goldChain(): Promise<{ run(tables: readonly ColumnTable[]): Promise<ChainResult> }> {
  const root = mkdtempSync(join(tmpdir(), 'argus-bench-chain-'));
  const specs = [policyDoc(), ...qualitySpecs()];
  const ctx = (node: string) => testContext({ node, root, specs, backends: {} });
  const steps: [OperatorDefinition, unknown][] = [
    // quiet_ms is irrelevant here: every expected stream moves past a day when the next day
    // arrives, and end of input flushes the last day.
    [fuse, { policy: 'a_share_daily', quiet_ms: 60_000, tick_ms: 5 }],
    [gate, { policy: 'default' }],
    [adjust, { keep_raw: true }],
    [qualityScore, { policy: 'default', score: 'default', timeliness: 'backfill' }],
  ];
  const ops = await Promise.all(
    steps.map(async ([def, cfg], i) =>
      nodeOperator(`n${i}-${def.type}`, (await def.create(cfg, ctx(def.type))) as Transform),
    ),
  );
  return {
    async run(tables) {
      const counts = { published: 0, quarantined: 0, errors: 0 };
      // Side ports are consumed (settled) where they appear, like sinks would; `out` flows on.
      const side = (p: PortBatch): boolean => {
        if (p.port === 'out') return true;
        if (p.port === 'quarantine') counts.quarantined += rowCount(p.batch);
        if (p.port === 'error') counts.errors += rowCount(p.batch);
        settle(p.batch, 'delivered');
        return false;
      };
      const step = (op: OperatorFunction<Batch, PortBatch>) =>
        [op, filter(side), map((p: PortBatch) => p.batch)] as const;
      let bronze = 0;
      async function* input(): AsyncGenerator<Batch> {
        for (const t of tables) {
          bronze += t.numRows();
          yield tableBatch(t, {}, []);
        }
      }
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const published = (await lastValueFrom(
        from(input()).pipe(
          ...step(ops[0]),
          ...step(ops[1]),
          ...step(ops[2]),
          ops[3],
          mergeMap((p: PortBatch) => {
            const n = p.port === 'out' ? rowCount(p.batch) : 0;
            if (p.port === 'error') counts.errors += rowCount(p.batch);
            settle(p.batch, 'delivered');
            return [n];
          }),
          reduce((a, n) => a + n, 0),
        ),
      )) as number;
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      rmSync(root, { recursive: true, force: true });
      return {
        bronze_rows: bronze,
        ...counts,
        published,
        seconds,
        cpu_seconds: (cpu.user + cpu.system) / 1e6,
      };
    },
  };
}

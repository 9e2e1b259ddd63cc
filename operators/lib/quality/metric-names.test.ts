import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAlertBackend } from '../../../engine/backends/alerts/index.ts';
import { testContext } from '../../../engine/testing/context.ts';
import { runSink, runTransform } from '../../../engine/testing/drivers.ts';
import alertSink from '../../sinks/alert.ts';
import gate from '../../transforms/consistency_gate.ts';
import score from '../../transforms/quality_score.ts';
import { marketDay, offsetCloses } from './fixtures.ts';
import { isExportedSeries, METRIC_NAMES, METRICS } from './metric-names.ts';
import { REPO_ROOT, repoQualitySpecs } from './policies.ts';

describe('metric catalogue', () => {
  it('has unique names following the argus_/dq_ convention', () => {
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
    expect(METRIC_NAMES.filter((n) => !/^(argus|dq)_[a-z0-9_]+$/.test(n))).toEqual([]);
    expect(Object.values(METRICS).filter((d) => d.type === 'counter' && !d.name.endsWith('_total'))).toEqual(
      [],
    );
  });

  it('matches what the quality operators really register (names, types, labels)', async () => {
    const ctx = testContext({ specs: repoQualitySpecs(), backends: { alerts: createAlertBackend() } });
    const gated = await runTransform(
      gate,
      {},
      offsetCloses(marketDay({ symbols: 100, date: '2024-12-31', volatility: 0.02 }), 0.01, 0.02),
      ctx,
    );
    const scored = await runTransform(score, {}, gated.out, ctx);
    await runSink(alertSink, {}, [gated.verdict, scored.report], ctx);
    const registered = (await ctx.metrics.registry.getMetricsAsJSON()) as unknown as {
      name: string;
      type: string;
    }[];
    for (const d of Object.values(METRICS).filter((x) => x.owner === 'quality')) {
      const got = registered.find((r) => r.name === d.name);
      expect(got, `${d.name} is not registered by the quality operators`).toBeDefined();
      expect(got!.type).toBe(d.type);
    }
    for (const r of registered)
      expect(isExportedSeries(r.name), `${r.name} is registered but missing from the catalogue`).toBe(true);
  });

  it('lists only metrics some engine or operator source really registers', () => {
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('metric-names.ts'))
          sources.push(readFileSync(p, 'utf8'));
      }
    };
    walk(join(REPO_ROOT, 'engine'));
    walk(join(REPO_ROOT, 'operators'));
    const all = sources.join('\n');
    const missing = Object.values(METRICS).filter(
      (d) => d.owner !== 'quality' && !all.includes(`'${d.name}'`) && !all.includes(`"${d.name}"`),
    );
    expect(missing.map((d) => `${d.name} (${d.owner})`)).toEqual([]);
  });
});

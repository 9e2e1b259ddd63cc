/**
 * `argus daily` on embedded defaults (memory bus): simulator → collect.yaml → bus → bronze.yaml →
 * gold.yaml in one process, on a small market, checked against the simulator's market.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDaily } from '../../engine/cli/commands/daily.ts';
import type { Market } from '../../sim/index.ts';
import { ROOT } from '../bronze/harness.ts';
import { expectNormalDay } from './daily-check.ts';

describe('argus daily, embedded', () => {
  it('one trading day from the simulator to Gold and the quality tables', async () => {
    const lake = mkdtempSync(join(tmpdir(), 'argus-daily-mem-'));
    const lines: string[] = [];
    let market: Market | undefined;
    const r = await runDaily({
      date: '2024-06-14',
      sim: { symbols: 120, seed: 5 },
      root: ROOT,
      env: { ARGUS_BUS: 'memory', ARGUS_LAKE: lake },
      log: (l) => lines.push(l),
      onSimulator: (s) => void (market = s.market),
    });
    expect(r.date).toBe('2024-06-14');
    expect(r.stages.map((s) => s.stage)).toEqual(['simulator', 'collect', 'bronze', 'gold']);
    expect(lines.filter((l) => / done in \d+\.\d s/.test(l))).toHaveLength(4);
    await expectNormalDay(r, market!);
    // The throw-away credentials do not outlive the run.
    expect(Object.keys(process.env).filter((k) => k.startsWith('ARGUS_SECRET_KV_ARGUS_'))).toEqual([]);
    expect(process.env.ARGUS_LAKE).not.toBe(lake);
  });

  it('fails with the stage named when the day has no data', async () => {
    const lake = mkdtempSync(join(tmpdir(), 'argus-daily-mem-'));
    // 2024-06-15 is a Saturday: nothing to collect, so nothing can be committed.
    await expect(
      runDaily({
        date: '2024-06-15',
        sim: { symbols: 20 },
        root: ROOT,
        env: { ARGUS_LAKE: lake },
        log: () => {},
      }),
    ).rejects.toThrow(/not a trading day/);
  });
});

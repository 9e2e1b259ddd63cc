/**
 * End to end on real services: the market simulator (Tushare API + QMT agent) → pipelines/collect.yaml
 * → Kafka → pipelines/bronze.yaml → Bronze Delta tables. Checks what only the whole chain shows:
 * both sources' bars for the day arrive, in shares and yuan (the simulator applies the sources'
 * own units, so agreeing volumes and amounts prove the unit normalisation), nothing rejected.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../../engine/backends/bus/index.ts';
import { startSimulator, type SimHandle } from '../../sim/index.ts';
import { services } from '../helpers/services.ts';
import { collectFile, drained, readTable, specFiles, startBronze } from './harness.ts';

/** collect.yaml sends every Tushare call through the shared quota: its policy is loaded too. */
const ROOT_DIR = new URL('../../', import.meta.url).pathname;

let sim: SimHandle | undefined;
afterAll(async () => {
  await sim?.stop();
});

describe('collect → Kafka → Bronze', () => {
  it('lands one trade date from both sources in Bronze, in shares and yuan', async () => {
    sim = await startSimulator({ symbols: 25, from: '20240102', to: '20240112', seed: 11 });
    const bus = createBus({ type: 'kafka', brokers: services().kafka.brokers, clientId: 'argus-e2e' });
    const id = randomBytes(4).toString('hex');
    const names = { topic: `raw-${id}`, dlq: `dlq-${id}`, group: `bronze-${id}` };
    const lake = mkdtempSync(join(tmpdir(), 'argus-e2e-lake-'));
    const files = specFiles(names);
    const collect = collectFile(names, files);
    Object.assign(process.env, {
      QMT_AGENT_URL: sim.qmtUrl,
      TUSHARE_URL: sim.tushareUrl,
      TRADE_DATE: '20240108',
    });
    const s = sim;
    const engine = await startBronze(
      bus,
      lake,
      [collect, ...files, join(ROOT_DIR, 'policies/quotas.yaml')],
      async (_path, key) => (key === 'api_key' ? s.qmtApiKey : s.tushareToken),
    );
    // The collect graph ends with its sources; Bronze then drains what it published.
    await engine.graphs.get('collect')!.done();
    expect(engine.failures).toEqual([]);
    await drained(bus, names.topic, names.group, 120_000);
    await engine.stop();

    const qmt = await readTable(lake, 'bronze/qmt_hist_kline');
    const ts = await readTable(lake, 'bronze/tushare_daily');
    expect(qmt.length).toBeGreaterThan(15);
    expect(ts.length).toBeGreaterThan(15);
    for (const r of [...qmt, ...ts]) {
      expect(r.trade_date).toBe('2024-01-08');
      expect(r.symbol).toMatch(/^[03468]\d{5}\.(SH|SZ|BJ)$/);
    }
    const byKey = new Map(qmt.map((r) => [r.symbol, r]));
    let compared = 0;
    for (const t of ts) {
      const q = byKey.get(t.symbol);
      if (!q) continue;
      compared++;
      // Same bar seen by two sources: shares and yuan agree within the consistency tolerance.
      expect(Math.abs(Number(q.volume) - Number(t.volume)) / Number(t.volume)).toBeLessThan(0.02);
      expect(Math.abs(Number(q.amount) - Number(t.amount)) / Number(t.amount)).toBeLessThan(0.02);
      expect(Math.abs(Number(q.close) - Number(t.close)) / Number(t.close)).toBeLessThan(0.005);
    }
    expect(compared).toBeGreaterThan(15);
    expect((await readTable(lake, 'bronze/tushare_trade_cal')).length).toBeGreaterThan(0);
    expect(await readTable(lake, 'bronze/rejects')).toEqual([]);
  });
});

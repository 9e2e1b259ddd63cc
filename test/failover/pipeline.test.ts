/**
 * The collect design end to end through the engine: a Pipeline YAML whose market-data source is a
 * `failover` over the real `qmt_agent` and `tushare` collectors, the `quota` and `health` backends
 * built by their engine factories from policies/quotas.yaml and the shared Redis, a QMT outage in
 * the simulator, and the records written by the `file` sink show where each came from.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argusRegistry } from '../../argus.ts';
import { healthBackendFactory } from '../../engine/backends/health/index.ts';
import { quotaBackendFactory } from '../../engine/backends/quota/index.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { startSimulator, type SimHandle } from '../../sim/index.ts';
import { services } from '../helpers/services.ts';

let sim: SimHandle;
beforeAll(async () => {
  sim = await startSimulator({
    symbols: 50,
    from: '20241201',
    to: '20241231',
    seed: 11,
    outageStallMs: 1500,
  });
});
afterAll(async () => {
  await sim?.stop();
});

function pipeline(): string {
  return `apiVersion: argus/v1
kind: Pipeline
metadata: {name: collect, version: 1}
spec:
  nodes:
    - id: market_data
      type: failover
      config:
        sources:
          - name: miniQMT
            type: qmt_agent
            config: {base_url: "${sim.qmtUrl}", api_key: "\${secret:kv/argus/qmt#api_key}", datasets: [daily], trade_date: "20241231", timeout_ms: 1000, retry_delays_ms: [100]}
          - name: Tushare
            type: tushare
            config: {base_url: "${sim.tushareUrl}", token: "\${secret:kv/argus/tushare#token}", datasets: [daily], trade_date: "20241231", quota: quota}
            quota_endpoints: market_data   # the policy's market_data_endpoints
        health: {unavailable_after: 1, probe_after_ms: 60000}
        stall_timeout_ms: 10000
        lineage_field: served_by
    - id: out
      type: file
      inputs: [market_data]
      config: {path: out/market.jsonl}
`;
}

describe('collect pipeline with failover (engine, simulator, Redis)', () => {
  it('serves the day from Tushare during a QMT outage, through the shared quota', async () => {
    const root = mkdtempSync(join(tmpdir(), 'argus-collect-'));
    const prefix = `collect${process.pid}x${Date.now()}:quota`;
    writeFileSync(join(root, 'collect.yaml'), pipeline());
    writeFileSync(
      join(root, 'quotas.yaml'),
      readFileSync(new URL('../../policies/quotas.yaml', import.meta.url), 'utf8').replace(
        "'tushare:quota'",
        `'${prefix}'`,
      ),
    );
    sim.setFaults([{ kind: 'outage', target: 'qmt' }]);

    const engine = Engine.create({
      registry: await argusRegistry(),
      root,
      backends: {
        quota: quotaBackendFactory({ redisUrl: services().redis.url }),
        health: healthBackendFactory(),
      },
      secrets: async (_path, key) => (key === 'api_key' ? sim.qmtApiKey : sim.tushareToken),
    });
    expect(await engine.load([join(root, 'collect.yaml'), join(root, 'quotas.yaml')])).toEqual([]);
    await engine.start();
    await engine.done();
    await engine.stop();
    expect(engine.failures).toEqual([]);

    const records = readFileSync(join(root, 'out', 'market.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(new Set(records.map((r) => `${r.source}/${r.served_by}`))).toEqual(new Set(['tushare/Tushare']));
    expect(records.flatMap((r) => r.rows).length).toBeGreaterThan(40); // the whole market of the day

    const metrics = await engine.env.metrics.registry.metrics();
    expect(metrics).toMatch(/argus_source_health_state\{source="miniQMT"\} 3/);
    const redis = new Redis(services().redis.url);
    // Calls made + the process's reserved local budget, released again at engine stop.
    expect(Number(await redis.get(`${prefix}:usage:daily`))).toBe(sim.stats.tushare.byApi.daily);
    redis.disconnect();
  });
});

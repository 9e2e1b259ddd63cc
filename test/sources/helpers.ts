/**
 * Shared helpers of the source tests: a simulator plus a test context whose secrets resolve to
 * the simulator's generated credentials, and small readers over source emissions.
 */
import type { Context, Emission, Rec } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { readSource } from '../../engine/testing/drivers.ts';
import qmtAgent from '../../operators/sources/qmt_agent.ts';
import tushare from '../../operators/sources/tushare.ts';
import { startSimulator, type SimHandle, type SimulatorOptions } from '../../sim/index.ts';

export const TOKEN_REF = '${secret:kv/argus/tushare#token}';
export const KEY_REF = '${secret:kv/argus/qmt#api_key}';

export async function simWithContext(o: SimulatorOptions): Promise<{ sim: SimHandle; ctx: Context }> {
  const sim = await startSimulator(o);
  const ctx = testContext({
    secrets: async (_path, key) => (key === 'token' ? sim.tushareToken : sim.qmtApiKey),
  });
  return { sim, ctx };
}

/** Fast retry settings so fault tests do not wait real back-off times. */
export const FAST = { retry_delays_ms: [5, 10, 20], timeout_ms: 2000 };

export const out = (es: Emission[]): Rec[] =>
  es.filter((e) => !e.port || e.port === 'out').flatMap((e) => e.records);
export const errors = (es: Emission[]): Rec[] =>
  es.filter((e) => e.port === 'error').flatMap((e) => e.records);

export function readTushare(
  sim: SimHandle,
  ctx: Context,
  config: Record<string, unknown>,
): Promise<Emission[]> {
  return readSource(
    tushare,
    { base_url: sim.tushareUrl, token: TOKEN_REF, ...FAST, ...config } as never,
    ctx,
  );
}

export function readQmt(sim: SimHandle, ctx: Context, config: Record<string, unknown>): Promise<Emission[]> {
  return readSource(
    qmtAgent,
    { base_url: sim.qmtUrl, api_key: KEY_REF, ...FAST, rejection_wait_ms: 20, ...config } as never,
    ctx,
  );
}

/**
 * The market simulator's programmatic API: one seeded market served as a Tushare Pro API and a
 * QMT data agent on loopback ports, with fault injection.
 *
 * @example
 * const sim = await startSimulator({ symbols: 500, from: '20240101', to: '20240131', seed: 7 });
 * // sim.tushareUrl, sim.qmtUrl, sim.tushareToken, sim.qmtApiKey
 * sim.setFaults([{ kind: 'http_5xx', target: 'tushare', rate: 0.05 }]);
 * await sim.stop();
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan, type FaultRule, type FaultScenario } from './faults.ts';
import { createMarket, type Market } from './market.ts';
import { createQmtServer, type EnvelopeStyle, type QmtStats } from './qmt/server.ts';
import { createTushareServer, type TushareStats } from './tushare/server.ts';

export interface SimulatorOptions {
  symbols?: number;
  from?: string;
  to?: string;
  seed?: number;
  /** 0 (default) picks a free port. */
  tusharePort?: number;
  qmtPort?: number;
  /** Generated (random) when not given; never printed. */
  tushareToken?: string;
  qmtApiKey?: string;
  faults?: FaultScenario | FaultRule[];
  /** Tushare points tier of the token (default 5000). */
  points?: number;
  envelope?: EnvelopeStyle;
  qmtRateLimit?: { perMinute?: number; perHour?: number; windowMs?: number };
  /** QMT-down stall before the 500 (default 15 000 ms). */
  outageStallMs?: number;
  /** Generate every series before listening, so the first full-market request is fast. Default true. */
  warm?: boolean;
  host?: string;
}

export interface SimHandle {
  tushareUrl: string;
  qmtUrl: string;
  tushareToken: string;
  qmtApiKey: string;
  market: Market;
  stats: { tushare: TushareStats; qmt: QmtStats };
  /** Replaces the fault rules (counters and window clock restart). */
  setFaults(faults: FaultScenario | FaultRule[]): void;
  stop(): Promise<void>;
}

/** Starts both servers; resolves once they listen. */
export async function startSimulator(o: SimulatorOptions = {}): Promise<SimHandle> {
  const seed = o.seed ?? 1;
  const market = createMarket({ symbols: o.symbols, from: o.from, to: o.to, seed });
  if (o.warm ?? true) for (const i of market.instruments) market.series(i.ts_code);
  const plan = new FaultPlan(seed, Array.isArray(o.faults) ? { rules: o.faults } : o.faults);
  const tushareToken = o.tushareToken ?? randomBytes(24).toString('hex');
  const qmtApiKey = o.qmtApiKey ?? randomBytes(24).toString('base64url');
  const ts = createTushareServer({ market, token: tushareToken, faults: plan, points: o.points });
  const qmt = createQmtServer({
    market,
    apiKey: qmtApiKey,
    faults: plan,
    envelope: o.envelope,
    rateLimit: o.qmtRateLimit,
    outageStallMs: o.outageStallMs,
  });
  const host = o.host ?? '127.0.0.1';
  const tsPort = await listen(ts.server, o.tusharePort ?? 0, host);
  let qmtPort: number;
  try {
    qmtPort = await listen(qmt.server, o.qmtPort ?? 0, host);
  } catch (err) {
    await close(ts.server);
    throw err;
  }
  return {
    tushareUrl: `http://${host}:${tsPort}`,
    qmtUrl: `http://${host}:${qmtPort}`,
    tushareToken,
    qmtApiKey,
    market,
    stats: { tushare: ts.stats, qmt: qmt.stats },
    setFaults: (f) => plan.set(f),
    stop: async () => {
      await Promise.all([close(ts.server), close(qmt.server)]);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`sim: cannot listen on ${host}:${port}: ${err.message}`)));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export type { FaultRule, FaultScenario } from './faults.ts';
export { createMarket, type Market } from './market.ts';

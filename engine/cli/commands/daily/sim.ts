/**
 * The simulator as the daily job's data sources: started in-process with freshly generated
 * throw-away credentials, which go only into the env-secrets variables the pipelines' `${secret:...}`
 * references resolve to (never printed, removed again by `restore`).
 */
import { envVarName } from '../../../backends/secrets/env.ts';
import { lastClosedDay } from '../backfill/trigger.ts';
import { weekdays } from '../backfill/calendar.ts';
import { startSimulator, type FaultRule, type SimHandle } from '../../../../sim/index.ts';

export interface DailySimOptions {
  /** Instruments in the simulated market (default 300). */
  symbols?: number;
  seed?: number;
  /** Fault rules of the simulator (sim/faults.ts). */
  faults?: FaultRule[];
}

export interface DailySim {
  sim: SimHandle;
  /** The trading day the job runs: the market's last open day. */
  date: string;
  /** Stops the simulator and removes the variables it set. */
  stop(): Promise<void>;
}

/** Secret references of pipelines/collect.yaml. */
export const SIM_SECRETS = {
  qmt: envVarName('kv/argus/qmt', 'api_key'),
  tushare: envVarName('kv/argus/tushare', 'token'),
} as const;

const iso = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
const compact = (d: string) => d.replaceAll('-', '');

/**
 * Starts the simulator over the month before `date` (a little history for the calendar and the
 * reference data) and points the collect pipeline at it through `env`.
 *
 * @example
 * const s = await startDailySim(process.env, { symbols: 300 }, '2024-06-14');
 * // ... run the job on s.date ...
 * await s.stop();
 */
export async function startDailySim(
  env: NodeJS.ProcessEnv,
  o: DailySimOptions,
  date: string | undefined,
): Promise<DailySim> {
  // Default: the last closed day (bars of a session still trading are not final).
  const to = date
    ? compact(date)
    : compact(lastClosedDay(new Date(), { calendar: weekdays }) ?? iso(shanghaiToday()));
  const from = compact(
    new Date(Date.parse(`${iso(to)}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10),
  );
  const faults: FaultRule[] = [...(o.faults ?? [])];
  const sim = await startSimulator({ symbols: o.symbols ?? 300, from, to, seed: o.seed ?? 1, faults });
  const day = sim.market.today;
  if (date && day !== to) {
    await sim.stop();
    throw new Error(
      `--date ${date} is not a trading day of the simulated market (last open day before it: ${iso(day)})`,
    );
  }
  const set: Record<string, string> = {
    QMT_AGENT_URL: sim.qmtUrl,
    TUSHARE_URL: sim.tushareUrl,
    [SIM_SECRETS.qmt]: sim.qmtApiKey,
    [SIM_SECRETS.tushare]: sim.tushareToken,
  };
  const before = Object.fromEntries(Object.keys(set).map((k) => [k, env[k]]));
  Object.assign(env, set);
  return {
    sim,
    date: iso(day),
    async stop() {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      await sim.stop();
    },
  };
}

/** Today's date in Asia/Shanghai as YYYYMMDD. */
export function shanghaiToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * `argus sim`: serves the Tushare API and the QMT agent API from one seeded market until stopped.
 * Prints only the two URLs (tokens not given are generated and never printed).
 *
 * @example
 * argus sim --symbols 5400 --from 20240101 --to 20241231 --seed 7 --tushare-port 0 --qmt-port 0 \
 *   --tushare-token "$TUSHARE_TOKEN" --qmt-api-key "$QMT_API_KEY" --scenario faults.yaml
 */
import type { Command } from 'commander';
import { loadScenario } from './faults.ts';
import { startSimulator, type SimulatorOptions } from './index.ts';
import { isDate } from './dates.ts';

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer (got ${v})`);
  return n;
};
const day = (name: string) => (v: string) => {
  const d = v.replaceAll('-', '');
  if (!isDate(d)) throw new Error(`--${name} must be a date YYYYMMDD or YYYY-MM-DD (got ${v})`);
  return d;
};

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('Serve a simulated Tushare Pro API and QMT data agent from one seeded market')
    .option('--symbols <n>', 'number of instruments (real layer included)', int('symbols'), 5400)
    .option('--from <date>', 'first simulated day', day('from'), '20240101')
    .option('--to <date>', 'last simulated day', day('to'), '20241231')
    .option('--seed <n>', 'market and fault seed', int('seed'), 1)
    .option('--tushare-port <port>', 'Tushare API port (0 = free port)', int('tushare-port'), 0)
    .option('--qmt-port <port>', 'QMT agent port (0 = free port)', int('qmt-port'), 0)
    .option('--tushare-token <token>', 'token the Tushare API accepts (default: generated)')
    .option('--qmt-api-key <key>', 'API key the QMT agent accepts (default: generated)')
    .option('--points <n>', 'Tushare points tier of the token', int('points'), 5000)
    .option('--envelope <style>', 'QMT envelope: current | legacy | mixed', 'current')
    .option('--scenario <file>', 'YAML fault scenario (see docs/sources.md)')
    .action(async (opts) => {
      if (!['current', 'legacy', 'mixed'].includes(opts.envelope))
        throw new Error(`--envelope must be current, legacy or mixed (got ${opts.envelope})`);
      const o: SimulatorOptions = {
        symbols: opts.symbols,
        from: opts.from,
        to: opts.to,
        seed: opts.seed,
        tusharePort: opts.tusharePort,
        qmtPort: opts.qmtPort,
        tushareToken: opts.tushareToken ?? process.env.ARGUS_SIM_TUSHARE_TOKEN,
        qmtApiKey: opts.qmtApiKey ?? process.env.ARGUS_SIM_QMT_API_KEY,
        points: opts.points,
        envelope: opts.envelope,
        faults: opts.scenario ? loadScenario(opts.scenario) : undefined,
      };
      const sim = await startSimulator(o);
      process.stdout.write(`tushare: ${sim.tushareUrl}\nqmt-agent: ${sim.qmtUrl}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sim.stop();
    });
}

/**
 * `npm run chaos [-- --symbols 5000 --date 2024-06-14 --seed 3 --only qmt-outage,redis-restart --json out.json]`
 *
 * Starts (or reuses, by lease) Kafka, Redis and the venv, runs the chaos suite on the real services
 * and prints the measured table. Exit code 1 when an experiment did not hold.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { acquireServices, releaseServices } from '../../infra/manager.ts';
import { services } from '../helpers/services.ts';
import { EXPERIMENT_NAMES, formatTable, runSuite } from './suite.ts';

const { values } = parseArgs({
  options: {
    symbols: { type: 'string', default: '5000' },
    date: { type: 'string', default: '2024-06-14' },
    seed: { type: 'string', default: '3' },
    only: { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    `usage: npm run chaos -- [--symbols N (default 5000, a full market)] [--date YYYY-MM-DD] [--seed N] [--only a,b] [--json file] [--keep (leave the temporary lakes)]\nexperiments: ${EXPERIMENT_NAMES.join(', ')}\n`,
  );
  process.exit(0);
}
const only = values.only
  ?.split(',')
  .map((x) => x.trim())
  .filter(Boolean);
for (const n of only ?? [])
  if (!EXPERIMENT_NAMES.includes(n))
    throw new Error(`--only: unknown experiment "${n}" (known: ${EXPERIMENT_NAMES.join(', ')})`);

const log = (l: string) => process.stderr.write(`${l}\n`);
await acquireServices(['kafka', 'redis', 'venv'], (m) => log(`[services] ${m}`));
// Ctrl-C / SIGTERM: give the service leases back so the daemons are not kept for a dead run.
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => void releaseServices().finally(() => process.exit(130)));
let code = 0;
try {
  const svc = services();
  const rows = await runSuite(
    {
      date: values.date!,
      symbols: Number(values.symbols),
      seed: Number(values.seed),
      brokers: svc.kafka.brokers,
      redisUrl: svc.redis.url,
      python: svc.python,
      log,
    },
    only,
    values.keep,
  );
  process.stdout.write(`\nchaos suite: ${values.symbols} symbols, ${values.date}\n\n${formatTable(rows)}\n`);
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
  if (rows.some((r) => !r.ok)) code = 1;
} finally {
  await releaseServices((m) => log(`[services] ${m}`));
}
process.exit(code);

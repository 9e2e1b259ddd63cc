/**
 * Wall time of the daily job for a full market (issue 5: "a full-market trading day from the
 * simulator through collect → Kafka → Bronze → Gold commits in < 60 s"; the product's contract is
 * 60 minutes). The simulator starts first (not timed: it stands in for the market); then collect →
 * Kafka → Bronze → Gold is timed per stage. Not a test: it prints the figures.
 *
 *   npx tsx test/e2e/measure-daily.ts [--symbols 5400] [--bus kafka|memory] [--date 2024-06-14]
 *
 * With --bus kafka it starts the repo's broker when it is not running (and stops it again).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDaily } from '../../engine/cli/commands/daily.ts';
import { formatSummary } from '../../engine/cli/commands/daily/summary.ts';
import { downServices, upServices } from '../../infra/manager.ts';
import { collectFile, ROOT, specFiles } from '../bronze/harness.ts';

const { values } = parseArgs({
  options: {
    symbols: { type: 'string', default: '5400' },
    bus: { type: 'string', default: 'kafka' },
    date: { type: 'string', default: '2024-06-14' },
  },
});
const lake = mkdtempSync(join(tmpdir(), 'argus-daily-measure-'));
const env: Record<string, string> = { ARGUS_LAKE: lake, ARGUS_BUS: values.bus! };
let started: string[] = [];
let specs: { collect: string[] } | undefined;
if (values.bus === 'kafka') {
  const up = await upServices(['kafka'], (m) => console.error(`[services] ${m}`));
  started = up.started;
  env.ARGUS_KAFKA_BROKERS = (up.records.kafka.endpoint.brokers as string[]).join(',');
  const id = randomBytes(4).toString('hex');
  const names = { topic: `raw-${id}`, dlq: `dlq-${id}`, group: `bronze-${id}` };
  const files = specFiles(names);
  specs = { collect: [collectFile(names, files), ...files, 'policies'] };
}
try {
  const r = await runDaily({
    date: values.date,
    sim: { symbols: Number(values.symbols), seed: 1 },
    root: ROOT,
    env,
    specs,
  });
  console.log(formatSummary(r.summary));
  console.log(
    `daily job, ${values.symbols} symbols, bus ${values.bus}: ${(r.ms / 1000).toFixed(1)} s collect → Bronze → Gold (${r.stages
      .map((s) => `${s.stage} ${(s.ms / 1000).toFixed(1)} s`)
      .join(', ')}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
} finally {
  rmSync(lake, { recursive: true, force: true });
  if (started.length) await downServices(started);
}

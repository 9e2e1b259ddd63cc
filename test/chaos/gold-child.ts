/**
 * The Gold stage of the daily job as its own OS process, so the chaos suite can SIGKILL it in the
 * middle of the Gold commit and then rerun it. Same specs and engine as `runDaily`'s gold stage.
 *
 * Usage: tsx test/chaos/gold-child.ts <lakeRoot> <YYYY-MM-DD>
 * Prints `gold-start` when the engine starts and `gold-done <ms>` when the day is committed.
 */
import { resolve } from 'node:path';
import { argusRegistry } from '../../argus.ts';
import { backendsFromEnv } from '../../engine/backends/from-env.ts';
import { createLogger } from '../../engine/observability/logger.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { formatError } from '../../engine/spec/errors.ts';
import { ROOT } from '../bronze/harness.ts';

const [lakeRoot, date] = process.argv.slice(2);
if (!lakeRoot || !/^\d{4}-\d{2}-\d{2}$/.test(date ?? '')) {
  process.stderr.write('usage: gold-child.ts <lakeRoot> <YYYY-MM-DD>\n');
  process.exit(2);
}
Object.assign(process.env, {
  ARGUS_LAKE: lakeRoot,
  TRADE_DATE: date.replaceAll('-', ''),
  ARGUS_FROM: date,
  ARGUS_TO: date,
  ARGUS_TIMELINESS: 'backfill',
});
const t0 = performance.now();
const engine = Engine.create({
  registry: await argusRegistry(),
  root: ROOT,
  lakeRoot: resolve(lakeRoot),
  backends: backendsFromEnv(process.env),
  logger: createLogger({ level: process.env.ARGUS_LOG_LEVEL ?? 'warn' }),
});
const errors = await engine.load(['pipelines/gold.yaml', 'policies', 'schemas'].map((p) => resolve(ROOT, p)));
if (errors.length) {
  process.stderr.write(`gold specs are invalid:\n${errors.map(formatError).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('gold-start\n');
await engine.start();
await engine.done();
await engine.stop();
if (engine.failures.length) {
  process.stderr.write(`gold failed: ${String(engine.failures[0])}\n`);
  process.exit(1);
}
process.stdout.write(`gold-done ${Math.round(performance.now() - t0)}\n`);
process.exit(0);

/**
 * The Argus side of the delta bench's reads, in a process of its own, as delta-rs reads in its own:
 * the bench process holds the million rows it writes, and every GC during a read there would mark
 * them. One untimed warm-up read of another table first (V8 compiles the decoder while running it;
 * delta-rs' decoder is compiled ahead), then the timed read; CPU counts all threads of the process.
 *
 *   node --import tsx bench/delta/read-child.ts <table> <warm-up table> <columns|records> <pool 0|1>
 *   → {"rows", "s", "cpu_s"}
 */
import { DeltaTable } from '../../engine/lake/index.ts';
import { configureDeltaPool, startDeltaPool } from '../../engine/lake/delta/pool/pool.ts';

const [table, warm, shape, pool] = process.argv.slice(2);
if (!table || !warm || (shape !== 'columns' && shape !== 'records') || (pool !== '0' && pool !== '1'))
  throw new Error('usage: read-child.ts <table> <warm-up table> <columns|records> <pool 0|1>');
configureDeltaPool({ reads: pool === '1' });
if (pool === '1') await startDeltaPool(); // up before the clock, as in the bench's setup
const read = async (path: string) => {
  const t = await DeltaTable.open(path);
  return shape === 'columns' ? (await t.readTable()).numRows() : (await t.read()).length;
};
await read(warm);
const c0 = process.cpuUsage();
const t0 = performance.now();
const rows = await read(table);
const s = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
process.stdout.write(`${JSON.stringify({ rows, s, cpu_s: (c.user + c.system) / 1e6 })}\n`);
process.exit(0); // idle pool threads are unref'ed; exit now rather than after their shutdown

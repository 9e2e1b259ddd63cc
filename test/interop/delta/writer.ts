/**
 * A child-process Delta writer for the concurrency and crash tests.
 *   node --import tsx writer.ts appends <path> <writerId> <count>   one row per commit
 *   node --import tsx writer.ts batches <path> <rowsPerPartition>    txn-numbered batches until killed
 *   add --wait to start early and begin on the first stdin line
 * Prints `ready` once the table is open, then `committed <version>` per commit.
 */
import { DeltaTable } from '../../../engine/lake/index.ts';

const [mode, path, a, b] = process.argv.slice(2);
// With --wait the process starts (and pays the TS start-up cost) early, then waits for a line on stdin.
if (process.argv.includes('--wait')) {
  console.log('waiting');
  await new Promise((r) => process.stdin.once('data', r));
}
const t = await DeltaTable.open(path);
console.log('ready');
if (mode === 'appends') {
  for (let seq = 0; seq < Number(b); seq++) {
    const { version } = await t.append([{ writer: a, seq, p: `w${a}` }]);
    console.log(`committed ${version}`);
  }
} else if (mode === 'batches') {
  const rows = Number(a);
  let batch = ((await t.txnVersion('crash')) ?? 0) + 1;
  for (;;) {
    const records = ['x/1', 'y 2'].flatMap((p) =>
      Array.from({ length: rows }, (_, i) => ({ batch, i, p, note: `b${batch}` })),
    );
    const res = await t.append(records, { txn: { appId: 'crash', version: batch } });
    console.log(`committed ${res.version} batch ${batch}`);
    batch++;
  }
} else {
  throw new Error(`writer.ts: unknown mode ${mode}`);
}

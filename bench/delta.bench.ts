/**
 * Delta benchmark (issue 3): 1M Gold-schema rows (200 trade dates × 5,000 symbols, partitioned by
 * trade_date). Argus write / full read vs delta-rs `write_deltalake` / `to_pyarrow_table` on the
 * same rows in the same run (ratios: Argus ÷ delta-rs throughput, goal ≥ 0.8), and the time to
 * open a 1,000-commit table at the latest version and at version 500 (goal < 200 ms).
 *
 * Like for like: delta-rs writes a pyarrow table (columns) and `to_pyarrow_table` returns columns,
 * so the headline rows are Argus writing an Arquero table (`append(table)`) and reading one
 * (`readTable()`); writing records and reading records are extra rows (they include building or
 * taking apart one object per row). Both read the same files (the table Argus wrote in the run);
 * delta-rs writes the rows it loaded from it (untimed). Work on each side: snappy on every page,
 * one file (one row group) per partition, chunk min/max/null_count and Delta `add.stats`;
 * dictionary pages: delta-rs for every column, Argus for repetitive strings only. One difference
 * in Argus' disfavour: Argus fsyncs each data file and commit before committing (its sink resolves
 * only when durable); delta-rs on a local disk does not fsync (checked with strace: rename and
 * link only). Python start-up is excluded (delta-rs times itself inside the process).
 *
 * Each side reads in a process holding only what it reads: delta-rs in its Python process, Argus in
 * a child process (delta/read-child.ts) after one untimed warm-up read of another table; in the
 * bench process every GC during a read would also mark the million rows it holds for the writes.
 * Writes are timed here after one untimed warm-up write (V8 compiles as it runs; delta-rs' code is
 * compiled ahead).
 *
 * `ratio` is throughput (wall time; the goal). `cpu_ratio` compares CPU seconds (delta-rs ÷ Argus,
 * all threads of each process incl. Argus' worker threads; > 1 means Argus used less CPU): on a
 * machine shared with other work, wall times swing with the load, CPU time much less.
 *
 * Threads: delta-rs encodes and decodes on a thread pool; Argus shares the data files of a large
 * write or read between the main thread and its Delta worker pool (engine/lake/delta/pool,
 * available cores − 1 workers). The pool is started untimed in setup (a warm process, as delta-rs'
 * runtime is up before it times itself). The two extra column rows are the other mode in the
 * same run: the write with the pool bypassed (`main thread only`), and the read in the mode that is
 * not the configured one (`reads`, see pool.ts; reads stay on the main thread by default, so this
 * row is the read `with workers`).
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DeltaTable } from '../engine/lake/index.ts';
import { configureDeltaPool, startDeltaPool } from '../engine/lake/delta/pool/pool.ts';
import type { ColumnTable } from 'arquero';
import type { Rec } from '../engine/api/batch.ts';
import { defineBench, type BenchRow } from './types.ts';
import { GOLD_COLUMNS, goldRows, goldTable } from './delta/gold-rows.ts';
import { ARGUS_NODE_FLAGS } from './lib/gold-run.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

function python(): string {
  const home = process.env.ARGUS_HOME ? resolve(process.env.ARGUS_HOME) : join(here, '..', '.argus');
  const p = process.env.ARGUS_PYTHON ?? join(home, 'venv', 'bin', 'python');
  if (!existsSync(p))
    throw new Error(`delta bench: Python venv not found at ${p}; run \`npm run services -- install venv\``);
  return p;
}

async function peer<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(python(), [join(here, 'py', 'delta_peer.py'), ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as T;
}

/** One read in a child process (see delta/read-child.ts). */
async function readChild(table: string, warm: string, shape: 'columns' | 'records', pool: boolean) {
  const child = join(here, 'delta', 'read-child.ts');
  const args = [...ARGUS_NODE_FLAGS, '--import', 'tsx', child, table, warm, shape, pool ? '1' : '0'];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout) as { rows: number; s: number; cpu_s: number };
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [(performance.now() - t0) / 1000, v];
}

/** Wall and CPU seconds of `f` (CPU: this process, all threads; less sensitive to a loaded machine). */
async function timeCpu<T>(f: () => Promise<T>): Promise<[number, number, T]> {
  const c0 = process.cpuUsage();
  const [s, v] = await time(f);
  const c = process.cpuUsage(c0);
  return [s, (c.user + c.system) / 1e6, v];
}

// Only the columns stay alive between steps: a million live records would make every GC of the
// Argus process mark them (the Python side holds its rows off-heap), slowing what is measured.
// For the same reason the reads run in a child process (delta/read-child.ts).
let cols: ColumnTable;
let commitsTable = '';

interface PeerTimes {
  rows: number;
  write_s: number;
  read_s: number;
  write_cpu_s: number;
  read_cpu_s: number;
}
const COMMITS = 1000;

export default defineBench({
  name: 'delta',
  description: 'Delta write/read throughput vs delta-rs on Gold rows; open time of a 1,000-commit table',
  async setup({ scale, workDir, log }) {
    const days = Math.max(1, Math.round(200 * scale));
    cols = goldTable(goldRows(days, 5000));
    log(`generated ${cols.numRows()} Gold rows (${days} dates × 5000 symbols)`);
    commitsTable = join(workDir, 'commits');
    const t = await DeltaTable.create(
      commitsTable,
      [
        { name: 'k', type: 'long', nullable: false },
        { name: 'day', type: 'date', nullable: false },
      ],
      { partitionBy: ['day'] },
    );
    for (let i = 1; i < COMMITS; i++)
      await t.append([{ k: i, day: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}` }]);
    log(`built a ${COMMITS}-commit table (checkpoint every 10)`);
    const t0 = performance.now();
    const workers = await startDeltaPool();
    log(`started ${workers} Delta worker thread(s) in ${Math.round(performance.now() - t0)} ms`);
    // Warm-up (untimed): V8 compiles the encoder while running it; delta-rs' is compiled ahead.
    const warm = join(workDir, 'warm-up');
    await (
      await DeltaTable.create(warm, GOLD_COLUMNS, { partitionBy: ['trade_date'] })
    ).append(cols.slice(0, 200_000));
    rmSync(warm, { recursive: true, force: true });
  },
  async run({ workDir, run: i }) {
    const out: BenchRow[] = [];
    const ours = join(workDir, `argus-${i}`);
    const oursRec = join(workDir, `argus-rec-${i}`);
    const oursOne = join(workDir, `argus-one-${i}`);
    const theirs = join(workDir, `delta-rs-${i}`);
    const create = (p: string) => DeltaTable.create(p, GOLD_COLUMNS, { partitionBy: ['trade_date'] });
    const n = cols.numRows();
    const [writeS, writeCpu] = await timeCpu(async () => (await create(ours)).append(cols));
    // The column write with the pool bypassed (its threads stay up, idle).
    const sizes = configureDeltaPool({});
    configureDeltaPool({ minRows: Infinity, startRows: Infinity });
    const [write1S, write1Cpu] = await timeCpu(async () => (await create(oursOne)).append(cols));
    configureDeltaPool(sizes);
    // Records last: building and dropping a million of them leaves garbage for what follows.
    let rows: Rec[] | undefined = cols.objects() as Rec[]; // built untimed, dropped after use
    const [writeRecS, writeRecCpu] = await timeCpu(async () => (await create(oursRec)).append(rows!));
    rows = undefined;
    // delta-rs between Argus' writes and reads, so that load changes on a shared machine hit both sides.
    const peerRes = await peer<PeerTimes>('write_read', ours, theirs);
    if (peerRes.rows !== n) throw new Error(`delta bench: delta-rs read ${peerRes.rows} rows, wrote ${n}`);
    const reads = async (table: string, warm: string, shape: 'columns' | 'records', pool: boolean) => {
      const r = await readChild(table, warm, shape, pool);
      if (r.rows !== n) throw new Error(`delta bench: ${shape} read ${r.rows} rows, wrote ${n}`);
      return [r.s, r.cpu_s] as const;
    };
    const [colsS, colsCpu] = await reads(ours, oursOne, 'columns', sizes.reads);
    const [readS, readCpu] = await reads(ours, oursOne, 'records', sizes.reads);
    const [cols1S, cols1Cpu] = await reads(oursOne, ours, 'columns', !sizes.reads); // the other mode
    const rs = (metric: string, s: number, cpu: number, peerS: number, peerCpu: number): BenchRow => ({
      metric,
      argus: n / s,
      delta_rs: n / peerS,
      unit: 'rows/s',
      ratio: peerS / s,
      goal: '≥ 0.8',
      cpu_ratio: peerCpu / cpu,
    });
    out.push(rs(`write ${n} rows (columns)`, writeS, writeCpu, peerRes.write_s, peerRes.write_cpu_s));
    out.push(rs(`write ${n} rows (records)`, writeRecS, writeRecCpu, peerRes.write_s, peerRes.write_cpu_s));
    out.push(rs(`full read ${n} rows (columns)`, colsS, colsCpu, peerRes.read_s, peerRes.read_cpu_s));
    out.push(rs(`full read ${n} rows (records)`, readS, readCpu, peerRes.read_s, peerRes.read_cpu_s));
    out.push(
      rs(
        `write ${n} rows (columns, main thread only)`,
        write1S,
        write1Cpu,
        peerRes.write_s,
        peerRes.write_cpu_s,
      ),
    );
    out.push(
      rs(
        `full read ${n} rows (columns, ${sizes.reads ? 'main thread only' : 'with workers'})`,
        cols1S,
        cols1Cpu,
        peerRes.read_s,
        peerRes.read_cpu_s,
      ),
    );
    const [openLatest, snap] = await time(async () => (await DeltaTable.open(commitsTable)).snapshot());
    const [open500, snap500] = await time(async () =>
      (await DeltaTable.open(commitsTable)).snapshot({ version: 500 }),
    );
    if (snap.version !== COMMITS - 1 || snap500.files.size !== 500)
      throw new Error('delta bench: unexpected 1,000-commit table state');
    const o = await peer<{ latest_s: number; version_s: number }>('open', commitsTable, '500');
    for (const [at, argusS, peerS] of [
      ['latest', openLatest, o.latest_s],
      ['v500', open500, o.version_s],
    ] as const)
      out.push({
        metric: `open ${COMMITS}-commit table @${at}`,
        argus: argusS * 1000,
        delta_rs: peerS * 1000,
        unit: 'ms',
        ratio: argusS / peerS,
        goal: '< 200 ms',
      });
    rmSync(ours, { recursive: true, force: true });
    rmSync(oursRec, { recursive: true, force: true });
    rmSync(oursOne, { recursive: true, force: true });
    rmSync(theirs, { recursive: true, force: true });
    return out;
  },
});

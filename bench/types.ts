/**
 * The benchmark contract: a `bench/<name>.bench.ts` file default-exports a {@link Bench}.
 * `run` is called several times; each numeric field of a row (matched by `metric`) is reported
 * as the median over the runs. Compare against a peer measured in the same run (ratios), never
 * against fixed times.
 */
export interface BenchRow {
  /** What is measured, e.g. `write 1M rows`. Rows are matched across runs by it. */
  metric: string;
  [column: string]: string | number | null;
}

export interface BenchOptions {
  /** Scale factor (1 = the documented size); `--scale 0.1` for a quick look. */
  scale: number;
  /** Scratch directory, removed afterwards. */
  workDir: string;
  /** 0-based index of the current run. */
  run: number;
  log(message: string): void;
}

export interface Bench {
  name: string;
  description: string;
  /** Optional one-time preparation shared by all runs (e.g. generating data). */
  setup?(opts: BenchOptions): Promise<void>;
  run(opts: BenchOptions): Promise<BenchRow[]>;
  teardown?(opts: BenchOptions): Promise<void>;
}

export function defineBench(b: Bench): Bench {
  return b;
}

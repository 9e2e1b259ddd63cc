/**
 * The benchmark runner: `npm run bench -- delta [--runs 3] [--scale 1]`. Runs each named
 * `bench/<name>.bench.ts` (all when none is named), prints a table of medians and writes
 * `bench/results/<name>.json` with the medians and every run's raw rows.
 */
import { mkdtempSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import type { Bench, BenchRow } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Median of numbers (mean of the middle two for even counts). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Per metric, the median of every numeric column over the runs (strings from the first run). */
export function medianRows(runs: readonly BenchRow[][]): BenchRow[] {
  const first = runs[0] ?? [];
  return first.map((row) => {
    const same = runs.map((r) => r.find((x) => x.metric === row.metric)).filter(Boolean) as BenchRow[];
    const out: BenchRow = { metric: row.metric };
    for (const [k, v] of Object.entries(row)) {
      if (k === 'metric') continue;
      const nums = same
        .map((r) => r[k])
        .filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      out[k] = typeof v === 'number' && nums.length ? round(median(nums)) : v;
    }
    return out;
  });
}

const round = (x: number) => (Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 1000) / 1000);

/** A plain-text table of rows. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ');
  return [
    line(cols),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}

async function runBench(bench: Bench, runs: number, scale: number): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), `argus-bench-${bench.name}-`));
  const log = (m: string) => console.error(`[${bench.name}] ${m}`);
  const raw: BenchRow[][] = [];
  try {
    await bench.setup?.({ scale, workDir, run: -1, log });
    for (let run = 0; run < runs; run++) {
      log(`run ${run + 1}/${runs}`);
      raw.push(await bench.run({ scale, workDir, run, log }));
    }
    await bench.teardown?.({ scale, workDir, run: runs, log });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const rows = medianRows(raw);
  console.log(
    `\n${bench.name}: ${bench.description}\n(median of ${runs} runs, scale ${scale}, ${cpus().length} CPUs)\n`,
  );
  console.log(formatTable(rows));
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const result = {
    name: bench.name,
    description: bench.description,
    date: new Date().toISOString(),
    runs,
    scale,
    node: process.version,
    cpus: cpus().length,
    rows,
    raw,
  };
  writeFileSync(join(dir, `${bench.name}.json`), JSON.stringify(result, null, 2) + '\n');
  console.log(`\nsaved bench/results/${bench.name}.json`);
}

async function main(): Promise<void> {
  const program = new Command('argus-bench')
    .argument('[names...]', 'benchmarks to run (bench/<name>.bench.ts); all when omitted')
    .option('--runs <n>', 'runs per benchmark (medians are reported)', '3')
    .option('--scale <x>', 'data size factor (1 = documented size)', '1')
    .parse(process.argv);
  const available = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length));
  const names = program.args.length ? program.args : available;
  for (const n of names) {
    if (!available.includes(n))
      throw new Error(`no benchmark '${n}' (have: ${available.join(', ') || 'none'})`);
    const mod = (await import(pathToFileURL(join(here, `${n}.bench.ts`)).href)) as { default: Bench };
    await runBench(mod.default, Number(program.opts().runs), Number(program.opts().scale));
  }
}

if (process.argv[1] && /argus-bench|run\.ts$/.test(process.argv[1])) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}

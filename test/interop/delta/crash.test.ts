/**
 * Crash safety (issue 3): a writer appending txn-numbered two-partition batches is SIGKILLed at
 * random points in 50 trials. Afterwards every version is readable by Argus and delta-rs and
 * holds each batch entirely or not at all; txn numbering continues without gaps or repeats.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaTable } from '../../../engine/lake/index.ts';
import { py, repoRoot, sleep, tempDir } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const TRIALS = 50;
const ROWS = 200; // per partition, so each batch is 400 rows in two files

interface Armed {
  go(ms: number): Promise<string>;
}

/**
 * Starts a writer that waits for a go signal (so its start-up overlaps the previous trial);
 * `go(ms)` lets it open the table and write, then SIGKILLs it `ms` later.
 */
function prepare(path: string): Armed {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'test', 'interop', 'delta', 'writer.ts'),
      'batches',
      path,
      String(ROWS),
      '--wait',
    ],
    {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  let ready: (() => void) | undefined;
  child.stdout.on('data', (d) => {
    out += d;
    if (ready && out.includes('ready')) {
      ready();
      ready = undefined;
    }
  });
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<string>((resolve, reject) =>
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve(out) : reject(new Error(`writer ended with ${code ?? signal}: ${err}`)),
    ),
  );
  return {
    async go(ms) {
      const isReady = new Promise<void>((r) => (ready = r));
      child.stdin.write('go\n');
      await isReady;
      setTimeout(() => child.kill('SIGKILL'), ms);
      return exited;
    },
  };
}

describe('crash safety', () => {
  it(`SIGKILL at random points in ${TRIALS} trials: every version readable, batches all-or-nothing`, async () => {
    const path = join(dir, 'crash');
    await DeltaTable.create(
      path,
      [
        { name: 'batch', type: 'long', nullable: false },
        { name: 'i', type: 'integer', nullable: false },
        { name: 'p', type: 'string', nullable: false },
        { name: 'note', type: 'string' },
      ],
      { partitionBy: ['p'], properties: { 'delta.checkpointInterval': '5' } },
    );
    let rng = 12345;
    const random = () => (rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let next = prepare(path);
    for (let trial = 0; trial < TRIALS; trial++) {
      const current = next;
      if (trial + 1 < TRIALS) next = prepare(path);
      await current.go(Math.floor(random() * 150));
    }
    await sleep(50);
    const t = await DeltaTable.open(path);
    const latest = await t.version();
    expect(latest).toBeGreaterThan(5);
    const counts: number[] = [];
    for (let v = 0; v <= latest; v++) {
      const rows = await t.read({ version: v, columns: ['batch'] });
      const per = new Map<number, number>();
      for (const r of rows) per.set(r.batch as number, (per.get(r.batch as number) ?? 0) + 1);
      for (const [b, n] of per) expect(n, `version ${v} batch ${b}`).toBe(2 * ROWS);
      // Batches are committed in txn order: version v holds exactly batches 1..v.
      expect([...per.keys()].sort((a, b) => a - b)).toEqual(
        Array.from({ length: per.size }, (_, i) => i + 1),
      );
      counts.push(rows.length);
    }
    expect(await t.txnVersion('crash')).toBe(latest);
    const theirs = await py<{ version: number; count: number }[]>('inspect_table', 'versions', {
      path,
      from: 0,
      to: latest,
      quick: true,
    });
    expect(theirs.map((x) => x.count)).toEqual(counts);
  });
});

/**
 * The dead-letter store for records that reached no consumer: records of an unconnected `error`
 * port (with the failing node's reason) or of any other unconnected port. Appended as JSON lines
 * and fsynced before the batch is settled, so nothing is silently dropped.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Rec } from '../api/index.ts';

export interface DeadLetter {
  pipeline: string;
  node: string;
  port: string;
  reason: string;
  at: string;
  record: Rec;
}

export class DeadLetterFile {
  private chain: Promise<void> = Promise.resolve();
  count = 0;

  constructor(readonly path: string) {}

  write(letters: DeadLetter[]): Promise<void> {
    const run = async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const fh = await open(this.path, 'a');
      try {
        await fh.write(
          letters
            .map((l) => JSON.stringify(l, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n')
            .join(''),
        );
        await fh.sync();
      } finally {
        await fh.close();
      }
      this.count += letters.length;
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }
}

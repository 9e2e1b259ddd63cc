/**
 * The Delta pool worker (loaded by worker-entry.mjs): encodes a data file from packed columns and
 * writes it durably, or decodes a data file into packed columns. Answers `{id, result}` or
 * `{id, error}` (see errors.ts); says `{type: 'ready'}` once loaded.
 */
import { parentPort } from 'node:worker_threads';
import { sendError } from './errors.ts';
import { decodeTask, encodeTask, type DecodeTask, type EncodeTask } from './tasks.ts';
import { StringTable } from './transport.ts';

const port = parentPort!;
const strings = new StringTable();

port.on('message', async ({ id, task }: { id: number; task: EncodeTask | DecodeTask }) => {
  try {
    if (task.op === 'encode') port.postMessage({ id, result: await encodeTask(task) });
    else {
      const decoded = await decodeTask(task);
      // Packed and posted in one synchronous step: answers take strings from the table in order.
      const { result, transfer } = decoded.pack(strings);
      port.postMessage({ id, result }, transfer);
    }
  } catch (e) {
    port.postMessage({ id, error: sendError(e) });
  }
});
port.postMessage({ type: 'ready' });

// Entry of a Delta pool worker thread (see pool.ts). Our sources are TypeScript run through tsx,
// and a worker does not inherit a loader registered with tsx's API (bin/argus.mjs) or vitest's
// transform, so the worker registers tsx itself (harmless when `--import tsx` already did).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');

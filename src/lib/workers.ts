// The one way this code base runs work on a worker thread under tsx (no build step): a TypeScript
// module started through ts-worker.mjs, which registers the loader inside the thread first. Used by
// the sealer (staff import) and the evidence ingest's reader (features/ingest/batches.ts).
import { Worker } from 'node:worker_threads';

/** Starts `module` (a .ts file URL) on a new thread; it sees `data` as its workerData (plus `module`). */
export function startWorker(module: URL, data: Record<string, unknown>): Worker {
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { ...data, module: module.href } });
}

// Entry of every worker thread (see startWorker in workers.ts). A worker does not inherit the main
// thread's TypeScript loader, so it registers tsx itself, as bin/probity.mjs does, then loads the
// module it was started for (workerData.module, a file URL).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);

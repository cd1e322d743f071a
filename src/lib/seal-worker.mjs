// Entry of the sealing worker thread (sealer.ts). A worker does not inherit the main thread's
// TypeScript loader, so it registers tsx itself, as bin/probity.mjs does, then loads the code.
import { register } from 'tsx/esm/api';

register();
await import('./seal-worker.ts');

// The sealing worker thread (started by workers.ts): its own FieldCipher from the data key it is
// given, sealing what the main thread sends (see sealer.ts). Nothing is logged here: the values are
// personal data.
import { parentPort, workerData } from 'node:worker_threads';
import { FieldCipher } from './crypto.ts';
import { sealValues, type SealRequest } from './sealer.ts';

const cipher = new FieldCipher(Buffer.from(workerData.dataKey as Uint8Array));
parentPort!.on('message', (request: SealRequest) => {
  try {
    parentPort!.postMessage({ id: request.id, sealed: sealValues(cipher, request.plan, request.values) });
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: (err as Error).message });
  }
});
parentPort!.postMessage({ ready: true });

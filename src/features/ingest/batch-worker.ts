// The reading worker thread of a file ingest (started by workerBatches in batches.ts): reads the
// file, checks every line and sends the batches, packed, to the main thread, never more than
// `ahead` of them untaken. Nothing is logged here: lines may hold personal data.
import { parentPort, workerData } from 'node:worker_threads';
import { FieldCipher } from '../../lib/crypto.ts';
import { batchesOf, codeDeriver, packBatch, type BatchWorkerData, type BatchWorkerMessage } from './batches.ts';
import { EVIDENCE_SPECS } from './kinds.ts';
import { fileRecords } from './reader.ts';

const job = workerData as BatchWorkerData;
const port = parentPort!;
const send = (m: BatchWorkerMessage) => port.postMessage(m);

let credit = job.ahead;
let wake: (() => void) | null = null;
port.on('message', (m: unknown) => {
  if (m !== 'take') return;
  credit++;
  wake?.();
  wake = null;
});

try {
  const spec = EVIDENCE_SPECS[job.kind];
  const cipher = new FieldCipher(Buffer.from(job.dataKey));
  const input = await fileRecords(job.file, spec.header, job.resume.skipped);
  const batches = batchesOf(spec, input.records, { batchSize: job.batchSize, resume: job.resume, derive: codeDeriver(cipher, job.sourceCode) });
  for await (const b of batches) {
    while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    send({ batch: packBatch(b), read: input.progress() });
  }
  send({ end: true });
} catch (err) {
  const code = (err as { code?: unknown }).code;
  send({ error: (err as Error).message, ...(typeof code === 'string' ? { code } : {}) });
}

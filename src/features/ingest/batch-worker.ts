// The reading worker thread of a file ingest (started by workerBatches in batches.ts): reads the
// file, checks every line and sends the batches, packed, to the main thread, never more than
// `ahead` of them untaken. Given ids with a credit, it also prepares that batch's insert (decision
// 85), asking the main thread for the registry records of codes it has not seen.
// Nothing is logged here: lines may hold personal data.
import { parentPort, workerData } from 'node:worker_threads';
import { FieldCipher } from '../../lib/crypto.ts';
import { batchesOf, codeDeriver, packBatch, type Batch, type BatchWorkerData, type BatchWorkerMessage, type BatchWorkerRequest } from './batches.ts';
import { EVIDENCE_SPECS } from './kinds.ts';
import { prepareBatch, type PrepareContext } from './prepare.ts';
import { fileRecords } from './reader.ts';
import { needsNothing, RefCache, type FoundRefs } from './refs.ts';

const job = workerData as BatchWorkerData;
const port = parentPort!;
const send = (m: BatchWorkerMessage) => port.postMessage(m);

/** Credits from the main thread, in order: the ids of each (null: do not prepare that batch). */
const credits: (number[] | null)[] = Array.from({ length: job.ahead }, () => null);
let answer: ((refs: FoundRefs) => void) | null = null;
let wake: (() => void) | null = null;
port.on('message', (m: BatchWorkerRequest) => {
  if ('refs' in m) {
    answer?.(m.refs);
    answer = null;
    return;
  }
  credits.push(m.ids);
  wake?.();
  wake = null;
});

const spec = EVIDENCE_SPECS[job.kind];
const cipher = new FieldCipher(Buffer.from(job.dataKey));
const refs = new RefCache();
const derive = codeDeriver(cipher, job.sourceCode);
// Only CLI jobs, whose scope is the whole registry, are prepared here: every unit is in scope.
const preparing: PrepareContext | null = job.prepare
  ? { spec, def: job.prepare.def, sourceId: job.prepare.sourceId, ctx: (code) => ({ inScope: () => true, refs, transactionCode: (externalId) => code() ?? derive(externalId) }) }
  : null;

async function prepared(b: Batch, ids: number[] | null) {
  if (!preparing || !ids || !b.items.length) return undefined;
  const needed = refs.missing(spec, b.items.map((p) => p.value));
  if (!needsNothing(needed)) {
    const found = new Promise<FoundRefs>((resolve) => (answer = resolve));
    send({ need: needed });
    refs.fill(needed, await found);
  }
  return prepareBatch(preparing, b, ids, Date.now()) ?? undefined;
}

try {
  const input = await fileRecords(job.file, spec.header, job.resume.skipped);
  const batches = batchesOf(spec, input.records, { batchSize: job.batchSize, resume: job.resume, derive });
  for await (const b of batches) {
    while (!credits.length) await new Promise<void>((resolve) => (wake = resolve));
    const ids = credits.shift()!;
    const p = await prepared(b, ids);
    send({ batch: packBatch(b), ...(p ? { prepared: p } : {}), read: input.progress() });
  }
  send({ end: true });
} catch (err) {
  const code = (err as { code?: unknown }).code;
  send({ error: (err as Error).message, ...(typeof code === 'string' ? { code } : {}) });
}

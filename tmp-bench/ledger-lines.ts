import crypto from 'node:crypto';
import { EVIDENCE_SPECS } from '../src/features/ingest/kinds.ts';
import { insertedLines, packedInHand, hexToBase64 } from '../src/features/ingest/ledger.ts';
import { EVIDENCE_LEDGER_TYPES } from '../src/features/ingest/ledger-types.ts';
const spec = EVIDENCE_SPECS.transactions;
const def = EVIDENCE_LEDGER_TYPES.service_transaction;
const now = Date.UTC(2026, 0, 1);
const at = new Date();
const ins = [];
for (let n = 0; n < 5000; n++) ins.push({ id: n + 1, at, row: { externalId: `B${String(n).padStart(9, '0')}`, hash: crypto.randomBytes(32).toString('hex'),
  values: [crypto.randomBytes(10).toString('hex').toUpperCase(), 1 + (n % 1400), 1 + (n % 580), n % 2 ? null : 1 + (n % 2000), 'window', n % 3 ? 'completed' : 'accepted', now - n * 60000, n % 3 ? now - n * 60000 + 86400000 : null, 5] } });
for (let r = 0; r < 5; r++) {
  let t = performance.now();
  for (let k = 0; k < 20; k++) insertedLines(spec, def, { id: 1, sourceId: 1 }, ins);
  const a = performance.now() - t;
  t = performance.now();
  for (let k = 0; k < 20; k++) for (const x of ins) packedInHand(spec, def, 1, x);
  const b = performance.now() - t;
  t = performance.now();
  const texts = ins.map((x) => packedInHand(spec, def, 1, x)!);
  for (let k = 0; k < 20; k++) for (const s of texts) crypto.hash('sha256', s, 'hex');
  const c = performance.now() - t;
  console.log(`per row: insertedLines ${(a / 1e5 * 1000).toFixed(2)} µs, packedInHand ${(b / 1e5 * 1000).toFixed(2)} µs, hash ${(c / 1e5 * 1000).toFixed(2)} µs`);
}
console.log(texts0());
function texts0() { return packedInHand(spec, def, 1, ins[0]!); }

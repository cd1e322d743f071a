import crypto from 'node:crypto';
const hex = crypto.randomBytes(32).toString('hex');
const strs = Array.from({ length: 5000 }, (_, i) => `B${String(i).padStart(9, '0')}`);
const hexes = Array.from({ length: 5000 }, () => crypto.randomBytes(32).toString('hex'));
const hasSeparator = (s: string) => s.indexOf('\u001f') >= 0 || s.indexOf('\u001e') >= 0 || !(s as any).isWellFormed();
function time(name: string, f: () => void) {
  const t = performance.now();
  for (let k = 0; k < 40; k++) f();
  console.log(name, ((performance.now() - t) / 200000 * 1000).toFixed(3), 'µs');
}
for (let r = 0; r < 3; r++) {
  time('hasSeparator', () => { for (const s of strs) hasSeparator(s); });
  time('hex->b64 Buffer', () => { for (const h of hexes) Buffer.from(h, 'hex').toString('base64'); });
  time('num->str x6', () => { for (let i = 0; i < 5000; i++) { '' + i; '' + (i * 7); '' + (1767225600000 + i); '' + (1767225600000 - i); '' + 5; '' + 1; } });
  time('sha256 hex 180ch', () => { for (const h of hexes) crypto.hash('sha256', h + h + h.slice(0, 50), 'hex'); });
}
import { hexToBase64 } from '../src/features/ingest/ledger.ts';
for (let r = 0; r < 3; r++) time('hexToBase64', () => { for (const h of hexes) hexToBase64(h); });

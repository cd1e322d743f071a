// Checks a ledger inclusion proof in the browser (RFC 9162 §2.1.3.2): SHA-256(0x00 || entry) is the
// leaf hash; folding the proof must give the root hash, which must be the one the signed checkpoint
// names. Nothing here trusts the server's word that the proof is good.

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const toB64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

async function sha256(parts: Uint8Array[]): Promise<Uint8Array> {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

/** RFC 9162 inclusion-proof verification; returns the computed root (base64) or null when the proof is malformed. */
export async function rootFromInclusionProof(entryB64: string, leafIndex: number, treeSize: number, proofB64: string[]): Promise<string | null> {
  if (leafIndex >= treeSize || leafIndex < 0) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = await sha256([new Uint8Array([0]), b64(entryB64)]);
  for (const p of proofB64.map(b64)) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256([new Uint8Array([1]), p, r]);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256([new Uint8Array([1]), r, p]);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? toB64(r) : null;
}

/** Origin, tree size and root hash of a signed checkpoint note (first three lines). */
export function parseCheckpoint(note: string): { origin: string; size: number; root: string } | null {
  const [origin, size, root] = note.split('\n');
  if (!origin || !size || !root || !/^\d+$/.test(size)) return null;
  return { origin, size: Number(size), root };
}

// RFC 6962 / RFC 9162 Merkle tree hashing (默克尔树哈希). The 0x00 / 0x01 prefixes separate leaves
// from interior nodes so that a leaf can never be passed off as a node (second-preimage defence).
import crypto from 'node:crypto';

/** A 32-byte SHA-256 value. Buffers are Uint8Arrays, so either may be passed in. */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;

/** SHA-256 of the empty string: the root of the empty tree (never published, see checkpoint.ts). */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

export function sha256(data: Uint8Array): Buffer {
  // crypto.hash (Node ≥ 20.12) skips the Hash object and is ~40% faster for tiny inputs.
  return crypto.hash('sha256', data, 'buffer');
}

/** Leaf hash SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(1 + entry.length);
  buf[0] = 0x00;
  buf.set(entry, 1);
  return sha256(buf);
}

// One scratch buffer for all node hashes: the integrator computes about one node hash per entry,
// and allocating 65 bytes each time costs as much as the hash itself.
const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeScratch[0] = 0x01;

/** Interior node hash SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Buffer {
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/** Constant-time equality of two hashes (false on length mismatch). */
export function hashEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function toHex(h: Uint8Array): string {
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('hex');
}

export function toBase64(h: Uint8Array): string {
  return Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('base64');
}

/** Largest power of two strictly less than n (n ≥ 2): the RFC 6962 split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Tree sizes and indices can exceed 2^32, so the 32-bit operators >>, & are off limits for them. */
export function shr(x: number, bits: number): number {
  return Math.floor(x / 2 ** bits);
}

/** Is x an exact power of two (x ≥ 1)? */
export function isPowerOfTwo(x: number): boolean {
  return x >= 1 && 2 ** Math.round(Math.log2(x)) === x;
}

/** The RFC 6962 root of a list of leaf hashes, straight from the definition; O(n), for small trees. */
export function rootOfLeafHashes(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  // Fold the maximal complete subtrees right to left, as MTH does.
  const stack: { level: number; hash: Hash }[] = [];
  for (const h of leaves) {
    let cur = { level: 0, hash: h };
    while (stack.length > 0 && stack[stack.length - 1]!.level === cur.level) {
      const left = stack.pop()!;
      cur = { level: cur.level + 1, hash: nodeHash(left.hash, cur.hash) };
    }
    stack.push(cur);
  }
  let root = stack.pop()!.hash;
  while (stack.length > 0) root = nodeHash(stack.pop()!.hash, root);
  return root;
}

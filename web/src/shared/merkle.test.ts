// The browser's inclusion-proof check agrees with the server's ledger code: every proof of a real
// tree verifies to its root, and a changed entry, index or proof hash does not.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../src/ledger/hash.ts';
import { MemoryLog } from '../../../src/ledger/memory.ts';
import { proveInclusion, tileHashReader } from '../../../src/ledger/tlog.ts';
import { parseCheckpoint, rootFromInclusionProof } from './merkle.ts';

describe('rootFromInclusionProof', () => {
  it('matches the server tree for every leaf of trees of many sizes, and rejects tampering', async () => {
    for (const size of [1, 2, 3, 7, 8, 9, 31, 300]) {
      const entries = Array.from({ length: size }, () => crypto.randomBytes(40));
      const log = new MemoryLog();
      await log.append(entries);
      const reader = tileHashReader(log);
      const root = toBase64(log.root!);
      const leaves = size > 40 ? [0, 1, 127, 128, 255, 256, size - 1] : [...Array(size).keys()];
      for (const i of leaves) {
        const proof = (await proveInclusion(i, size, reader)).map(toBase64);
        const entry = entries[i]!.toString('base64');
        expect(await rootFromInclusionProof(entry, i, size, proof), `size ${size} leaf ${i}`).toBe(root);
        const other = Buffer.from(entries[i]!);
        other[0] = other[0]! ^ 1;
        expect(await rootFromInclusionProof(other.toString('base64'), i, size, proof)).not.toBe(root);
        if (proof.length) {
          const bad = [...proof];
          bad[0] = toBase64(crypto.randomBytes(32));
          expect(await rootFromInclusionProof(entry, i, size, bad)).not.toBe(root);
          if (size > 1) expect(await rootFromInclusionProof(entry, (i + 1) % size, size, proof)).not.toBe(root);
        }
      }
      expect(await rootFromInclusionProof(entries[0]!.toString('base64'), size, size, [])).toBeNull();
    }
  });

  it('reads origin, size and root from a checkpoint note', () => {
    expect(parseCheckpoint('probity.local/ledger\n42\nabc=\n\n— sig')).toEqual({ origin: 'probity.local/ledger', size: 42, root: 'abc=' });
    expect(parseCheckpoint('x\nnot-a-size\nabc=')).toBeNull();
  });
});

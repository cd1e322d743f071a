// A bounded cache of computed stored hashes for proofs served from a trusted store.
import type { Hash } from './hash.ts';

/**
 * Remembers computed stored hashes. A stored hash never changes once its subtree is complete, so
 * entries never go stale; the map is bounded (oldest out first) to cap memory.
 */
export class HashCache {
  private readonly map = new Map<string, Hash>();
  constructor(readonly maxEntries = 100_000) {}
  get(level: number, index: number): Hash | undefined {
    return this.map.get(`${level}/${index}`);
  }
  set(level: number, index: number, h: Hash): void {
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value!);
    this.map.set(`${level}/${index}`, h);
  }
}

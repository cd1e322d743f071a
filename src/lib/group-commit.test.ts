// The group-commit queue: concurrent items share batches, results go back to their own callers, a
// failing item fails only itself, and items with the same key never share a batch.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('GroupCommit', () => {
  it('writes a lone item at once and queues the rest into batches while writes are in flight', async () => {
    const batches: number[][] = [];
    const q = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      await tick();
      return items.map((i) => i * 10);
    }, { maxInFlight: 1, maxBatch: 4 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => q.submit(i)));
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(batches).toEqual([[0], [1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('fails only the item that cannot be written when its batch fails', async () => {
    const q = new GroupCommit<number, string>(async (items) => {
      await tick();
      if (items.includes(3)) throw new Error(`bad item in ${items.join(',')}`);
      return items.map(String);
    }, { maxInFlight: 1 });
    const settled = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => q.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[3] as PromiseRejectedResult).reason.message).toBe('bad item in 3');
    expect((settled[5] as PromiseFulfilledResult<string>).value).toBe('5');
  });

  it('keeps items with the same key in different batches, in order', async () => {
    const batches: string[][] = [];
    const q = new GroupCommit<string, string>(async (items) => {
      batches.push(items);
      await tick();
      return items;
    }, { maxInFlight: 1, keyOf: (s) => s[0]! });
    await Promise.all(['a1', 'b1', 'a2', 'c1', 'a3'].map((s) => q.submit(s)));
    expect(batches).toEqual([['a1'], ['b1', 'a2', 'c1'], ['a3']]);
    for (const b of batches) expect(new Set(b.map((s) => s[0])).size).toBe(b.length);
  });
});

// Group commit (批量落库) for public writes that arrive many at a time: while a batch is being
// written, new items queue, and the queue is written as one short transaction when a slot frees up.
// A lone item is written at once, so there is no added wait at low load; under load the cost of each
// statement, round trip and commit (WAL flush) is shared by the batch. Every caller is answered only
// after its batch has committed, so an acknowledged write is durable. When a batch fails, its items
// are written one by one, so one bad item fails only its own caller.

interface Pending<I, O> {
  item: I;
  resolve: (r: O) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions<I> {
  /** Most items in one batch (default 500). */
  maxBatch?: number;
  /** Batches written at the same time, each on its own connection (default 2). */
  maxInFlight?: number;
  /**
   * Items with the same key never share a batch: the second waits for the next one, where it sees
   * the first as committed (a second rating of one transaction is then answered "rated already").
   */
  keyOf?: (item: I) => string;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  /** `writeBatch` writes the items in one transaction and returns one result per item, in order. */
  constructor(private readonly writeBatch: (items: I[]) => Promise<O[]>, private readonly opts: GroupCommitOptions<I> = {}) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxInFlight = opts.maxInFlight ?? 2;
  }

  /** Resolves with the item's result once its batch has committed. */
  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private takeBatch(): Pending<I, O>[] {
    const { keyOf } = this.opts;
    if (!keyOf) return this.queue.splice(0, this.maxBatch);
    const batch: Pending<I, O>[] = [];
    const rest: Pending<I, O>[] = [];
    const keys = new Set<string>();
    for (const p of this.queue) {
      const key = keyOf(p.item);
      if (batch.length < this.maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(p);
      } else {
        rest.push(p);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async write(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await this.writeBatch(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const p of batch) await this.write([p]);
    }
  }
}

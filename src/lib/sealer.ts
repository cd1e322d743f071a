// Sealing (encrypting and blind-indexing) personal fields in bulk, on a worker thread when a job is
// big enough to pay for one. Sealing is the largest CPU cost of a staff import (two AES-GCM set-ups
// and three HMACs a row); on its own thread it runs beside the reading and checking of the next
// rows and the database's write of the previous batch (measured in bench/import).
import { dataKeyOf, type FieldCipher } from './crypto.ts';
import { startWorker } from './workers.ts';

/**
 * What to do with each value of a row, in order: null encrypts it (FieldCipher.encrypt), a string
 * is the purpose of a blind index (FieldCipher.blindIndex). Results are base64; a null value stays null.
 */
export type SealPlan = readonly (string | null)[];

export interface SealRequest {
  id: number;
  plan: SealPlan;
  /** Rows one after another, plan.length values each. */
  values: (string | null)[];
}

/** The sealed values in the same places, base64. */
export function sealValues(cipher: FieldCipher, plan: SealPlan, values: readonly (string | null)[]): (string | null)[] {
  const out: (string | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const purpose = plan[i % plan.length];
    out[i] = v === null || v === undefined ? null : purpose === null || purpose === undefined ? cipher.encryptBase64(v) : cipher.blindIndexBase64(purpose, v);
  }
  return out;
}

export interface Sealer {
  seal(plan: SealPlan, values: (string | null)[]): Promise<(string | null)[]>;
  close(): Promise<void>;
}

/** Seals on the calling thread (small jobs, single writes). */
export const inlineSealer = (cipher: FieldCipher): Sealer => ({
  seal: async (plan, values) => sealValues(cipher, plan, values),
  close: async () => {},
});

/** Seals on a worker thread of its own, until closed. Requests are answered in order. */
export function workerSealer(cipher: FieldCipher): Sealer {
  const worker = startWorker(new URL('./seal-worker.ts', import.meta.url), { dataKey: dataKeyOf(cipher) });
  const pending = new Map<number, { resolve: (v: (string | null)[]) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | null = null;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  worker.on('message', (m: { id?: number; sealed?: (string | null)[]; error?: string; ready?: boolean }) => {
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(`sealing failed: ${m.error}`));
    else p?.resolve(m.sealed!);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the sealing worker stopped (exit code ${code})`)));
  return {
    seal: (plan, values) => {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, plan, values } satisfies SealRequest);
      });
    },
    close: async () => {
      failure ??= new Error('the sealer is closed');
      await worker.terminate();
    },
  };
}

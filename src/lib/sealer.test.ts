import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from './crypto.ts';
import { inlineSealer, workerSealer, type SealPlan } from './sealer.ts';

describe('sealers', () => {
  const cipher = new FieldCipher(crypto.randomBytes(32));
  const plan: SealPlan = [null, 'id_number', 'staff_row'];
  const values = Array.from({ length: 300 }, (_, i) => [i % 7 === 0 ? null : `11010519900101${String(i).padStart(4, '0')}`, `11010519900101${String(i).padStart(4, '0')}`, JSON.stringify(['S' + i, '张三'])]).flat();

  it('seal on a worker thread exactly as on this one: indexes equal, ciphertexts that decrypt here, nulls kept', async () => {
    const worker = workerSealer(cipher);
    try {
      // Two requests in flight at once are answered each with its own values.
      const [a, b] = await Promise.all([worker.seal(plan, values), worker.seal(plan, values.slice(0, 30))]);
      const here = await inlineSealer(cipher).seal(plan, values);
      expect(a).toHaveLength(values.length);
      expect(b).toHaveLength(30);
      for (let i = 0; i < values.length; i++) {
        if (values[i] === null) {
          expect(a[i]).toBeNull();
        } else if (plan[i % plan.length] === null) {
          expect(a[i]).not.toBe(here[i]); // a fresh IV each time
          expect(cipher.decrypt(Buffer.from(a[i]!, 'base64'))).toBe(values[i]);
        } else {
          expect(a[i]).toBe(here[i]);
          expect(a[i]).toBe(cipher.blindIndexBase64(plan[i % plan.length]!, values[i]!));
        }
      }
      for (let i = 0; i < 30; i++) if (plan[i % plan.length] !== null) expect(b[i]).toBe(here[i]);
    } finally {
      await worker.close();
    }
    await expect(worker.seal(plan, values)).rejects.toThrow('closed');
  });
});

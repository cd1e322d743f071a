// The blind index is HMAC-SHA256 under the data key's index subkey of "<purpose>\0<value>": stored
// indexes (staff phones and ID numbers, derived transaction codes) depend on those exact bytes.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from './crypto.ts';

describe('FieldCipher.blindIndex', () => {
  it('is HMAC-SHA256 of purpose, NUL, value under the HKDF index subkey', () => {
    const dataKey = crypto.randomBytes(32);
    const indexKey = Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), 'probity blind index', 32));
    const cipher = new FieldCipher(dataKey);
    for (const [purpose, value] of [['transaction-code', 'platform\u0000B0000001'], ['phone', '13800138000'], ['id', '临溪 😀']]) {
      const expected = crypto.createHmac('sha256', indexKey).update(purpose!).update('\u0000').update(value!).digest();
      expect(cipher.blindIndex(purpose!, value!).equals(expected)).toBe(true);
    }
    expect(cipher.blindIndex('a', 'b').equals(cipher.blindIndex('a', 'c'))).toBe(false);
  });
});

// The blind index is HMAC-SHA256 under the data key's index subkey of "<purpose>\0<value>": stored
// indexes (staff phones and ID numbers, derived transaction codes) depend on those exact bytes.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from './crypto.ts';

describe('FieldCipher', () => {
  const dataKey = crypto.randomBytes(32);
  const cipher = new FieldCipher(dataKey);
  // The index subkey as the constructor derives it, for createHmac to check against.
  const indexKey = Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), 'probity blind index', 32));
  const reference = (purpose: string, value: string) => crypto.createHmac('sha256', indexKey).update(purpose).update('\0').update(value).digest();

  it('makes blind indexes byte for byte as createHmac does, for short, long and non-ASCII values', () => {
    const values = ['', 'a', 'platform\u0000B0000001', '临溪 😀', '11010519491231002X', '13800138000', '张三', '𠀀'.repeat(40), 'x'.repeat(55), 'x'.repeat(56), 'x'.repeat(64), 'y'.repeat(300), JSON.stringify(['S1', '李四', null])];
    for (const purpose of ['id_number', 'phone', 'staff_row', 'transaction-code']) {
      for (const value of values) {
        expect(cipher.blindIndex(purpose, value).equals(reference(purpose, value))).toBe(true);
        expect(cipher.blindIndexBase64(purpose, value)).toBe(reference(purpose, value).toString('base64'));
      }
    }
    // A long value grows the scratch buffer; a short one after it must not see the long one's tail.
    expect(cipher.blindIndex('phone', 'z').equals(reference('phone', 'z'))).toBe(true);
    for (let i = 0; i < 200; i++) {
      const v = crypto.randomBytes(1 + (i % 90)).toString('base64');
      expect(cipher.blindIndexBase64('id_number', v)).toBe(reference('id_number', v).toString('base64'));
    }
  });

  it('keys indexes by the data key and keeps purposes apart', () => {
    const other = new FieldCipher(crypto.randomBytes(32));
    expect(other.blindIndexBase64('phone', '13800138000')).not.toBe(cipher.blindIndexBase64('phone', '13800138000'));
    expect(cipher.blindIndexBase64('phone', '13800138000')).not.toBe(cipher.blindIndexBase64('id_number', '13800138000'));
  });

  it('encrypts with a fresh IV each time and decrypts what it wrote, base64 or not', () => {
    const a = cipher.encryptBase64('11010519491231002X');
    const b = cipher.encryptBase64('11010519491231002X');
    expect(a).not.toBe(b);
    expect(cipher.decrypt(Buffer.from(a, 'base64'))).toBe('11010519491231002X');
    expect(cipher.decrypt(cipher.encrypt('张三'))).toBe('张三');
    const tampered = Buffer.from(a, 'base64');
    tampered[tampered.length - 1]! ^= 1;
    expect(() => cipher.decrypt(tampered)).toThrow();
  });
});

// The public transaction code (办件查询码) of a transaction whose source sent none.
//
// It is what a citizen types to rate a transaction, so it must be stable (the same record always
// gets the same code, also when it is sent again) and unguessable (knowing a source's numbering
// must not let anyone rate other people's transactions). Hence a keyed digest rather than a plain
// hash: HMAC-SHA256 under the data key's blind-index subkey of
//   "transaction-code" 0x00 <source code> 0x00 <external id>
// whose first 100 bits are written as 20 Crockford base-32 characters (digits and upper-case
// letters without I, L, O, U), e.g. "7K2M9QX4TB1HZ0D8RWCE". Codes sent by a source are kept as sent.
import type { FieldCipher } from '../../lib/crypto.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const DERIVED_CODE_LENGTH = 20;

export function crockford(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; out.length < chars; i++) {
    buffer = ((buffer << 8) | (bytes[i] ?? 0)) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export function derivedTransactionCode(cipher: FieldCipher, sourceCode: string, externalId: string): string {
  return crockford(cipher.blindIndex('transaction-code', `${sourceCode}\0${externalId}`), DERIVED_CODE_LENGTH);
}

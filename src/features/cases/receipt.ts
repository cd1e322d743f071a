// Receipt codes (回执码) of anonymous reports: 24 digits shown once. The first 10 are a public lookup
// id, the last 14 a secret; only an scrypt hash of the whole code is stored.
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

export const RECEIPT_DIGITS = 24;
const LOOKUP_DIGITS = 10;

function digits(n: number): string {
  // Rejection sampling from random bytes: uniform digits.
  let out = '';
  while (out.length < n) {
    for (const b of crypto.randomBytes(n * 2)) if (b < 250 && out.length < n) out += String(b % 10);
  }
  return out;
}

export function newReceiptCode(): { code: string; receiptId: string } {
  let lookup = digits(LOOKUP_DIGITS);
  if (lookup[0] === '0') lookup = String(1 + (crypto.randomInt(9))) + lookup.slice(1);
  return { code: lookup + digits(RECEIPT_DIGITS - LOOKUP_DIGITS), receiptId: lookup };
}

/** Spaces and dashes people type between groups are ignored; anything else makes it not a code. */
export function parseReceiptCode(raw: string): { code: string; receiptId: string } | null {
  const code = raw.replace(/[\s-]/g, '');
  if (!/^[1-9][0-9]{23}$/.test(code)) return null;
  return { code, receiptId: code.slice(0, LOOKUP_DIGITS) };
}

export async function hashReceipt(code: string, N: number): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(code, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 + 1024 * 1024 });
  return `scrypt$${N}$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyReceipt(code: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const N = Number(n);
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(code, Buffer.from(salt, 'base64'), expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) + 1024 * 1024 });
  return crypto.timingSafeEqual(actual, expected);
}

/** Shown to people in groups of four: 1234 5678 9012 3456 7890 1234. */
export const formatReceipt = (code: string) => code.replace(/(\d{4})(?=\d)/g, '$1 ');

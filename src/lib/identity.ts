// Chinese resident ID numbers (GB 11643-1999) and mainland mobile numbers: validation and masking.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits of an ID number. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Returns a reason the value is not a valid 18-digit ID number, or null when it is. */
export function idNumberProblem(value: string): string | null {
  if (!/^\d{17}[\dX]$/.test(value)) return 'must be 17 digits followed by a digit or X';
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return 'has an impossible birth date';
  }
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return 'has a wrong check digit';
  return null;
}

/** Upper-cases the check character and trims, so 'x' and 'X' are the same person. */
export const normaliseIdNumber = (value: string) => value.trim().toUpperCase();

export function phoneProblem(value: string): string | null {
  return /^1[3-9]\d{9}$/.test(value) ? null : 'must be an 11-digit mainland mobile number starting 13–19';
}

export const normalisePhone = (value: string) => value.replace(/[\s-]/g, '').replace(/^\+?86/, '');

/** 110101199003071234 → 110***********1234 */
export function maskIdNumber(value: string): string {
  if (value.length < 8) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}

/** 13812345678 → 138****5678 */
export function maskPhone(value: string): string {
  if (value.length < 7) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}

/** Addresses keep their first six characters (province/city level), the rest is hidden. */
export function maskAddress(value: string): string {
  const chars = [...value];
  return chars.slice(0, 6).join('') + (chars.length > 6 ? '****' : '');
}

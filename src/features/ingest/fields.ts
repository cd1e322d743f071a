// Reading loose evidence values (NDJSON values or CSV/XLSX cells) into checked, normalised values,
// collecting one error per bad field. Pure functions: no database, no clock.
import type { FieldError } from '../../lib/errors.ts';

/** Times without an offset are read as China Standard Time, as the source systems record them. */
export const DEFAULT_OFFSET_MINUTES = 8 * 60;
export const MAX_SUMMARY = 500;
const MAX_TEXT_INPUT = 20_000;

// 2024-05-01T08:30:00.123+08:00, 2024-05-01 08:30, 2024/5/1 8:30:00Z, 2024-05-01T08:30:00+0800
const TIMESTAMP = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;
const CODE = /^[A-Za-z0-9_.-]{1,40}$/;
// Control characters (C0 and DEL) never belong in an identifier.
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROLS = /[\u0000-\u001f\u007f]/g;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number) => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[m - 1]!);

const digits = (s: string, from: number, n: number): number => {
  if (from + n > s.length) return -1;
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
};

/**
 * The common spelling, read without a regular expression (a bulk ingest reads two per line):
 * YYYY-MM-DD[T ]HH:MM[:SS[.fff]] then Z, ±HH:MM or nothing. Anything else returns undefined and
 * goes the general way.
 */
function fastTimestamp(s: string): number | null | undefined {
  const n = s.length;
  if (n < 16 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58) return undefined;
  const sep = s.charCodeAt(10);
  if (sep !== 84 && sep !== 32) return undefined;
  const y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2), h = digits(s, 11, 2), mi = digits(s, 14, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0) return undefined;
  let i = 16, sec = 0, ms = 0;
  if (i < n && s.charCodeAt(i) === 58) {
    sec = digits(s, i + 1, 2);
    if (sec < 0) return undefined;
    i += 3;
    if (i < n && s.charCodeAt(i) === 46) {
      let f = 0, k = 0;
      for (i++; i < n; i++, k++) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        if (k < 3) f = f * 10 + c;
      }
      if (k === 0 || k > 9) return undefined;
      ms = k >= 3 ? f : f * 10 ** (3 - k);
    }
  }
  let offset = DEFAULT_OFFSET_MINUTES;
  if (i < n) {
    const z = s.charCodeAt(i);
    if ((z === 90 || z === 122) && i + 1 === n) offset = 0;
    else if ((z === 43 || z === 45) && i + 6 === n && s.charCodeAt(i + 3) === 58) {
      const oh = digits(s, i + 1, 2), om = digits(s, i + 4, 2);
      if (oh < 0 || om < 0 || oh > 14 || om > 59) return null;
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om);
    } else return undefined;
  }
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset * 60_000;
}

/**
 * Milliseconds since the epoch for a date-and-time text, or null when it is not one. Records keep
 * times as numbers: no Date objects per line, and the database reads a number faster than a text.
 */
export function parseTimestampMs(s: string): number | null {
  const fast = fastTimestamp(s);
  return fast !== undefined ? fast : parseTimestampGeneral(s);
}

/** ISO-8601 UTC string for a date-and-time text, or null when it is not one. */
export function parseTimestamp(s: string): string | null {
  const ms = parseTimestampMs(s);
  return ms === null ? null : new Date(ms).toISOString();
}

/** The general reader behind parseTimestampMs (exported so tests can hold the fast path to it). */
export function parseTimestampGeneral(s: string): number | null {
  const m = TIMESTAMP.exec(s);
  if (!m) return null;
  const y = +m[1]!, mo = +m[2]!, d = +m[3]!, h = +m[4]!, mi = +m[5]!, sec = m[6] ? +m[6] : 0;
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  let offset = DEFAULT_OFFSET_MINUTES;
  const z = m[8];
  if (z) {
    if (z === 'Z' || z === 'z') offset = 0;
    else {
      const digits = z.slice(1).replace(':', '');
      const oh = +digits.slice(0, 2), om = digits.length > 2 ? +digits.slice(2) : 0;
      if (oh > 14 || om > 59) return null;
      offset = (z[0] === '-' ? -1 : 1) * (oh * 60 + om);
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset * 60_000;
}

/** 'YYYY-MM-DD' for a date text (also 2024/5/1, 2024年5月1日), or null. */
export function parseDate(s: string): string | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
}

// Mainland mobiles, 18-digit resident ID numbers and landlines with an area code: never stored.
const PERSONAL = /(?<![0-9])(?:1[3-9][0-9]{9}|[1-9][0-9]{16}[0-9Xx]|0[1-9][0-9]{1,2}-?[0-9]{7,8})(?![0-9])/g;

/** Free text as it may be stored: personal numbers replaced, length capped (with an ellipsis). */
export function scrubSummary(s: string, max = MAX_SUMMARY): string {
  const clean = s.replace(PERSONAL, '[已删除]').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
  const chars = [...clean];
  return chars.length <= max ? clean : chars.slice(0, max - 1).join('') + '…';
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Collects field errors while reading one loose record. */
export class FieldReader {
  readonly errors: FieldError[] = [];
  constructor(private readonly raw: Record<string, unknown>) {}

  private fail(field: string, message: string) {
    this.errors.push({ path: field, message });
  }

  /** The trimmed text of a field ('' when absent or null); numbers are accepted as text. */
  text(field: string, opts: { required?: boolean; max?: number } = {}): string {
    const v = this.raw[field];
    let s: string;
    if (v === undefined || v === null) s = '';
    else if (typeof v === 'string') {
      s = (v.length > MAX_TEXT_INPUT ? v.slice(0, MAX_TEXT_INPUT) : v).trim();
      if (CONTROL.test(s)) s = s.replace(CONTROLS, ' '); // tabs, newlines and the like become spaces
    }
    else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
    else {
      this.fail(field, 'must be a string');
      return '';
    }
    if (!s) {
      if (opts.required) this.fail(field, 'is required');
    } else if (opts.max && s.length > opts.max && [...s].length > opts.max) {
      this.fail(field, `must be at most ${opts.max} characters`);
    }
    return s;
  }

  externalId(field = 'externalId'): string {
    const raw = this.raw[field];
    if (typeof raw === 'string' && CONTROL.test(raw.trim())) {
      this.fail(field, 'must not contain control characters');
      return '';
    }
    return this.text(field, { required: true, max: 128 });
  }

  code(field: string, required: boolean): string | null {
    const s = this.text(field, { required });
    if (!s) return null;
    if (!CODE.test(s)) {
      this.fail(field, 'must be 1–40 letters, digits, _ . -');
      return null;
    }
    return s;
  }

  choice<T>(field: string, aliases: Record<string, T>, fallback?: T): T {
    const s = this.text(field, { required: fallback === undefined });
    if (!s) return fallback as T;
    const v = aliases[s] ?? aliases[s.toLowerCase()];
    if (v === undefined) this.fail(field, `"${s.slice(0, 40)}" is not one of ${[...new Set(Object.values(aliases))].join(', ')}`);
    return v as T;
  }

  /** Epoch milliseconds. */
  timestamp(field: string, required: boolean): number | null {
    const s = this.text(field, { required });
    if (!s) return null;
    const t = parseTimestampMs(s);
    if (!t) this.fail(field, 'must be a date and time, e.g. 2024-05-01T08:30:00+08:00 (no offset = +08:00)');
    return t;
  }

  date(field: string, required: boolean): string | null {
    const s = this.text(field, { required });
    if (!s) return null;
    const d = parseDate(s);
    if (!d) this.fail(field, 'must be a date YYYY-MM-DD');
    return d;
  }

  integer(field: string, min: number, max: number, required: boolean): number | null {
    const s = this.text(field, { required });
    if (!s) return null;
    const n = Number(s);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.fail(field, `must be an integer ${min}–${max}`);
      return null;
    }
    return n;
  }

  /** A positive decimal with at most `scale` decimals, returned as its normalised text. */
  decimal(field: string, max: number, scale: number, required: boolean): string | null {
    const s = this.text(field, { required });
    if (!s) return null;
    const n = Number(s);
    if (!new RegExp(`^\\d{1,9}(\\.\\d{1,${scale}})?$`).test(s) || !(n > 0) || n > max) {
      this.fail(field, `must be a number greater than 0 and at most ${max}, with at most ${scale} decimals`);
      return null;
    }
    return String(n);
  }

  /** Adds an error unless `later` is absent or not before `earlier` (epoch ms, or ISO dates: both compare in order). */
  notBefore<T extends number | string>(field: string, later: T | null, earlierField: string, earlier: T | null) {
    if (later !== null && earlier !== null && later < earlier) this.fail(field, `must not be before ${earlierField}`);
  }

  done<T>(value: T): Parsed<T> {
    return this.errors.length ? { ok: false, errors: this.errors } : { ok: true, value };
  }
}

/** Builds an alias table: every key maps to itself, every label to its key. */
export function aliases<T extends string>(labels: Record<T, string[]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, names] of Object.entries(labels) as [T, string[]][]) {
    out[key] = key;
    for (const n of names) out[n] = key;
  }
  return out;
}

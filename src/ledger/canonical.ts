// Canonical JSON (规范化 JSON) per RFC 8785 (JCS), so the SHA-256 in a ledger entry can be recomputed
// from a record by anyone, in any language with a JCS library.
//
// Before serialising, values that JSON cannot hold are mapped one fixed way (documented in
// docs/ledger.md): Uint8Array/Buffer → standard base64 with padding; Date → ISO 8601 UTC with
// milliseconds (Date#toISOString); bigint → decimal string; object properties whose value is
// undefined are left out. Anything else that is not plain JSON is an error rather than a guess.
import crypto from 'node:crypto';

export class CanonicalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalError';
  }
}

const MAX_DEPTH = 100;

export function canonicalJson(value: unknown): string {
  try {
    // Fast path: a copy with every object's keys in sorted order, mapped to plain JSON, serialised
    // by the engine's JSON.stringify, whose number and string forms are exactly JCS's.
    return JSON.stringify(sortedCopy(value, [], 0));
  } catch (err) {
    if (err !== INDEX_KEYS) throw err;
    const out: string[] = [];
    write(value, out, [], 0);
    return out.join('');
  }
}

/**
 * Thrown by sortedCopy for an object with an array-index key ("7"): JavaScript objects iterate those
 * first, in numeric order, whatever order they were inserted in, so only the writer below can
 * put "10" before "9" as RFC 8785 requires.
 */
const INDEX_KEYS = Symbol('index keys');
const isIndexKey = (k: string) => k.length > 0 && k.length < 11 && /^(?:0|[1-9][0-9]*)$/.test(k);

function sortedCopy(v: unknown, keys: (string | number)[], depth: number): unknown {
  if (depth > MAX_DEPTH) throw new CanonicalError(`${pathOf(keys)}: nested too deeply (or cyclic)`);
  switch (typeof v) {
    case 'string':
      if (!(v as WellFormed).isWellFormed()) throw new CanonicalError(`${pathOf(keys)}: string is not valid Unicode`);
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw new CanonicalError(`${pathOf(keys)}: ${v} has no JSON form`);
      return v;
    case 'boolean':
      return v;
    case 'bigint':
      return v.toString();
    case 'object':
      break;
    default:
      throw new CanonicalError(`${pathOf(keys)}: a ${typeof v} has no JSON form`);
  }
  if (v === null) return null;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new CanonicalError(`${pathOf(keys)}: invalid date`);
    return v.toISOString();
  }
  if (Array.isArray(v)) {
    // A subtree already in canonical shape is used as it is: only what must change is copied.
    let copy: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      keys.push(i);
      if (v[i] === undefined) throw new CanonicalError(`${pathOf(keys)}: undefined in an array`);
      const c = sortedCopy(v[i], keys, depth + 1);
      keys.pop();
      if (c !== v[i] && !copy) copy = v.slice(0, i);
      if (copy) copy.push(c);
    }
    return copy ?? v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalError(`${pathOf(keys)}: ${proto?.constructor?.name ?? 'object'} is not plain JSON`);
  }
  const obj = v as Record<string, unknown>;
  const names = Object.keys(obj);
  let same = true; // keys already in order, none undefined, every value used as it is
  const values = new Array<unknown>(names.length);
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (isIndexKey(k)) throw INDEX_KEYS;
    if (!(k as WellFormed).isWellFormed()) throw new CanonicalError(`${pathOf(keys)}: string is not valid Unicode`);
    if (i > 0 && !(names[i - 1]! < k)) same = false;
    if (obj[k] === undefined) {
      same = false;
      continue;
    }
    keys.push(k);
    values[i] = sortedCopy(obj[k], keys, depth + 1);
    keys.pop();
    if (values[i] !== obj[k]) same = false;
  }
  if (same) return obj;
  const order = names.map((k, i) => [k, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const copy: Record<string, unknown> = {};
  for (const [k, i] of order) if (obj[k] !== undefined) copy[k] = values[i];
  return copy;
}

/** SHA-256 (lowercase hex) of the UTF-8 canonical JSON of a record: what a ledger entry commits to. */
export function recordDigest(value: unknown): string {
  return canonicalDigest(canonicalJson(value));
}

/** SHA-256 (lowercase hex) of a canonical JSON text already made (JCS of its parse is itself). */
export function canonicalDigest(canonical: string): string {
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
}

// The path of a value ("/items/3/points") is built only for an error message: scoring runs
// canonicalise 10^5 documents of ~6 KB, and a path string per value cost as much as the rest.
const pathOf = (keys: readonly (string | number)[]) => (keys.length ? keys.map((k) => `/${k}`).join('') : '/');

function write(v: unknown, out: string[], keys: (string | number)[], depth: number): void {
  if (depth > MAX_DEPTH) throw new CanonicalError(`${pathOf(keys)}: nested too deeply (or cyclic)`);
  switch (typeof v) {
    case 'string':
      out.push(str(v, keys));
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new CanonicalError(`${pathOf(keys)}: ${v} has no JSON form`);
      out.push(JSON.stringify(v)); // ECMAScript Number→string, which is exactly what JCS prescribes
      return;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'bigint':
      out.push(`"${v.toString()}"`);
      return;
    case 'object':
      break;
    default:
      throw new CanonicalError(`${pathOf(keys)}: a ${typeof v} has no JSON form`);
  }
  if (v === null) {
    out.push('null');
    return;
  }
  if (v instanceof Uint8Array) {
    out.push(`"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`);
    return;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new CanonicalError(`${pathOf(keys)}: invalid date`);
    out.push(`"${v.toISOString()}"`);
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      keys.push(i);
      if (v[i] === undefined) throw new CanonicalError(`${pathOf(keys)}: undefined in an array`);
      write(v[i], out, keys, depth + 1);
      keys.pop();
    }
    out.push(']');
    return;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalError(`${pathOf(keys)}: ${proto?.constructor?.name ?? 'object'} is not plain JSON`);
  }
  const obj = v as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 requires.
  const names = Object.keys(obj).sort();
  out.push('{');
  let first = true;
  for (const k of names) {
    if (obj[k] === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(str(k, keys), ':');
    keys.push(k);
    write(obj[k], out, keys, depth + 1);
    keys.pop();
  }
  out.push('}');
}

/** String#isWellFormed (ES2024; Node ≥ 20) is not in this project's TypeScript lib yet. */
type WellFormed = string & { isWellFormed(): boolean };

function str(s: string, keys: readonly (string | number)[]): string {
  // RFC 8785 requires valid Unicode; JSON.stringify would escape a lone surrogate instead.
  if (!(s as WellFormed).isWellFormed()) throw new CanonicalError(`${pathOf(keys)}: string is not valid Unicode`);
  return JSON.stringify(s);
}

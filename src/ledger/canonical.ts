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
  return write(value, '', 0);
}

/** SHA-256 (lowercase hex) of the UTF-8 canonical JSON of a record: what a ledger entry commits to. */
export function recordDigest(value: unknown): string {
  return crypto.createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

function write(v: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new CanonicalError(`${path || '/'}: nested too deeply (or cyclic)`);
  switch (typeof v) {
    case 'string':
      return str(v, path);
    case 'number':
      if (!Number.isFinite(v)) throw new CanonicalError(`${path || '/'}: ${v} has no JSON form`);
      return JSON.stringify(v); // ECMAScript Number→string, which is exactly what JCS prescribes
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `"${v.toString()}"`;
    case 'object':
      break;
    default:
      throw new CanonicalError(`${path || '/'}: a ${typeof v} has no JSON form`);
  }
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new CanonicalError(`${path || '/'}: invalid date`);
    return `"${v.toISOString()}"`;
  }
  if (Array.isArray(v)) {
    return `[${v
      .map((item, i) => {
        if (item === undefined) throw new CanonicalError(`${path}/${i}: undefined in an array`);
        return write(item, `${path}/${i}`, depth + 1);
      })
      .join(',')}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalError(`${path || '/'}: ${proto?.constructor?.name ?? 'object'} is not plain JSON`);
  }
  const obj = v as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 requires.
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${str(k, path)}:${write(obj[k], `${path}/${k}`, depth + 1)}`).join(',')}}`;
}

function str(s: string, path: string): string {
  // RFC 8785 requires valid Unicode; JSON.stringify would escape a lone surrogate instead.
  // With the u flag a proper surrogate pair is one code point, so \p{Cs} finds only lone halves.
  if (/\p{Cs}/u.test(s)) throw new CanonicalError(`${path || '/'}: string is not valid Unicode`);
  return JSON.stringify(s);
}

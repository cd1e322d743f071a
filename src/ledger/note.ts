// C2SP signed-note, as read by golang.org/x/mod/sumdb/note: the checkpoint (签名检查点) is a short
// text followed by signature lines, so a verifier needs nothing but the text and a key string.
// Only Ed25519 keys (algorithm byte 0x01) are supported.
import crypto from 'node:crypto';

const ALG_ED25519 = 0x01;
// DER headers that wrap a raw 32-byte Ed25519 seed / public key for node:crypto.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SIG_PREFIX = '\u2014 '; // em dash + space
const MAX_SIGNATURES = 100;

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface Signer {
  name: string;
  /** First 4 bytes of SHA-256(name || "\n" || 0x01 || public key), as a big-endian uint32. */
  keyId: number;
  /** The verifier key string for this signer. */
  verifierKey: string;
  sign(message: Uint8Array): Buffer;
}

export interface Verifier {
  name: string;
  keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** base64(4-byte key id || signature), as it appears on the line. */
  base64: string;
}

export interface OpenedNote {
  text: string;
  /** Signatures by the given verifiers (at least one, or openNote throws). */
  verified: NoteSignature[];
  /** Signatures by keys we were not given: not checked. */
  unverified: NoteSignature[];
}

/** Key names: non-empty, no '+', no whitespace (they appear in key strings and signature lines). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !name.includes('+') && !/[\s\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name) && isValidUtf8Text(name);
}

export function keyId(name: string, publicKey: Uint8Array): number {
  const h = crypto.createHash('sha256').update(name).update('\n').update(Buffer.from([ALG_ED25519])).update(publicKey).digest();
  return h.readUInt32BE(0);
}

const hex8 = (id: number) => id.toString(16).padStart(8, '0');

function publicKeyOfSeed(seed: Uint8Array): Buffer {
  const priv = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = crypto.createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return spki.subarray(SPKI_ED25519_PREFIX.length);
}

/** Generates a new Ed25519 key pair: the signer key (secret) and the verifier key (public). */
export function keygen(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  const seed = crypto.randomBytes(32);
  const pub = publicKeyOfSeed(seed);
  const id = hex8(keyId(name, pub));
  return {
    signerKey: `PRIVATE+KEY+${name}+${id}+${Buffer.concat([Buffer.from([ALG_ED25519]), seed]).toString('base64')}`,
    verifierKey: `${name}+${id}+${Buffer.concat([Buffer.from([ALG_ED25519]), pub]).toString('base64')}`,
  };
}

/** Splits "<name>+<hex id>+<base64 key>" and checks the id matches the key, as Go does. */
function parseKeyParts(s: string, what: string): { name: string; keyId: number; key: Buffer } {
  // Split at the first two '+' only, as Go does: base64 may itself contain '+'.
  const a = s.indexOf('+');
  const b = a < 0 ? -1 : s.indexOf('+', a + 1);
  if (b < 0) throw new NoteError(`malformed ${what} key`);
  const [name, idHex, b64] = [s.slice(0, a), s.slice(a + 1, b), s.slice(b + 1)];
  if (!name || !idHex || !b64 || !isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(idHex)) {
    throw new NoteError(`malformed ${what} key`);
  }
  const raw = strictBase64(b64);
  if (!raw || raw.length !== 33 || raw[0] !== ALG_ED25519) throw new NoteError(`malformed ${what} key: expected an Ed25519 key`);
  return { name, keyId: parseInt(idHex, 16), key: raw.subarray(1) };
}

export function parseSignerKey(s: string): Signer {
  if (!s.startsWith('PRIVATE+KEY+')) throw new NoteError('malformed signer key: must start with PRIVATE+KEY+');
  const { name, keyId: id, key: seed } = parseKeyParts(s.slice('PRIVATE+KEY+'.length), 'signer');
  const pub = publicKeyOfSeed(seed);
  if (keyId(name, pub) !== id) throw new NoteError('malformed signer key: key id does not match the key');
  const priv = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return {
    name,
    keyId: id,
    verifierKey: `${name}+${hex8(id)}+${Buffer.concat([Buffer.from([ALG_ED25519]), pub]).toString('base64')}`,
    sign: (message) => crypto.sign(null, message, priv),
  };
}

export function parseVerifierKey(s: string): Verifier {
  const { name, keyId: id, key: pub } = parseKeyParts(s.trim(), 'verifier');
  if (keyId(name, pub) !== id) throw new NoteError('malformed verifier key: key id does not match the key');
  const keyObject = crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pub]), format: 'der', type: 'spki' });
  return {
    name,
    keyId: id,
    verify: (message, signature) => signature.length === 64 && crypto.verify(null, message, keyObject, signature),
  };
}

/** As Go's note: valid UTF-8, no ASCII control characters (below U+0020) other than newline. */
function isValidUtf8Text(text: string): boolean {
  // A JS string that is not well-formed UTF-16 cannot be encoded as UTF-8.
  return !/[\u0000-\u0009\u000b-\u001f]/.test(text) && Buffer.from(text, 'utf8').toString('utf8') === text;
}

/** Signs a note text (which must end in a newline) with one or more signers. */
export function signNote(text: string, ...signers: Signer[]): string {
  if (!text.endsWith('\n')) throw new NoteError('note text must end in a newline');
  if (!isValidUtf8Text(text)) throw new NoteError('note text must be UTF-8 without control characters');
  if (signers.length === 0) throw new NoteError('no signers');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((s) => {
    if (!isValidKeyName(s.name)) throw new NoteError(`invalid signer name ${JSON.stringify(s.name)}`);
    const sig = Buffer.alloc(4 + 64);
    sig.writeUInt32BE(s.keyId, 0);
    s.sign(message).copy(sig, 4);
    return `${SIG_PREFIX}${s.name} ${sig.toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * Parses and verifies a signed note. Succeeds only if at least one signature is by one of
 * `verifiers` and every signature by a known key is valid (a bad one is an error, not ignored).
 */
export function openNote(signed: string, verifiers: readonly Verifier[]): OpenedNote {
  if (!isValidUtf8Text(signed)) throw new NoteError('malformed note: invalid characters');
  const split = signed.lastIndexOf('\n\n');
  if (split < 0 || !signed.endsWith('\n')) throw new NoteError('malformed note: no signature block');
  const text = signed.slice(0, split + 1);
  const sigLines = signed.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_SIGNATURES) throw new NoteError('malformed note: too many signatures');
  const message = Buffer.from(text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const line of sigLines) {
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError('malformed note: bad signature line');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const b64 = rest.slice(space + 1);
    const raw = space > 0 ? strictBase64(b64) : undefined;
    if (!raw || raw.length < 5 || !isValidKeyName(name)) throw new NoteError('malformed note: bad signature line');
    const id = raw.readUInt32BE(0);
    const sig: NoteSignature = { name, keyId: id, base64: b64 };
    const verifier = verifiers.find((v) => v.name === name && v.keyId === id);
    if (!verifier) {
      unverified.push(sig);
      continue;
    }
    const key = `${name}+${id}`;
    if (seen.has(key)) continue; // Go ignores repeats of an already-verified key
    if (!verifier.verify(message, raw.subarray(4))) throw new NoteError(`invalid signature by ${name}`);
    seen.add(key);
    verified.push(sig);
  }
  if (verified.length === 0) throw new NoteError('note has no signature by a known key');
  return { text, verified, unverified };
}

/** Decodes standard padded base64, rejecting anything Buffer.from would silently skip. */
function strictBase64(s: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  const buf = Buffer.from(s, 'base64');
  return buf.toString('base64') === s ? buf : undefined;
}

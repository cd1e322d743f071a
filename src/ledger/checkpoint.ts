// C2SP tlog-checkpoint (检查点): the signed statement "the log named <origin> has <size> entries
// with this root". Size 0 is never published: an empty log has nothing to vouch for, and it keeps
// "sizes only grow" a strict check for witnesses.
import { HASH_SIZE, type Hash } from './hash.ts';
import { NoteError, openNote, type OpenedNote, type Signer, signNote, type Verifier } from './note.ts';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  /** Optional extension lines after the root (without newlines); we write none. */
  extensions?: string[];
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

const SIZE = /^[1-9][0-9]*$/;
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function checkOrigin(origin: string): void {
  if (origin.length === 0 || origin.includes('\n') || /^\s|\s$/.test(origin)) {
    throw new CheckpointError('checkpoint origin must be one non-empty line without surrounding space');
  }
}

/** The note body: "<origin>\n<size>\n<base64 root>\n" plus any extension lines. */
export function formatCheckpoint(cp: Checkpoint): string {
  checkOrigin(cp.origin);
  if (!Number.isSafeInteger(cp.size) || cp.size < 1) throw new CheckpointError(`checkpoint size must be ≥ 1, got ${cp.size}`);
  if (cp.root.length !== HASH_SIZE) throw new CheckpointError('checkpoint root must be 32 bytes');
  const ext = cp.extensions ?? [];
  for (const line of ext) if (line.length === 0 || line.includes('\n')) throw new CheckpointError('bad extension line');
  const root = Buffer.from(cp.root).toString('base64');
  return [cp.origin, String(cp.size), root, ...ext].join('\n') + '\n';
}

/** Parses a checkpoint body (the text of the note, signatures already removed). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('checkpoint must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('checkpoint needs origin, size and root lines');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  checkOrigin(origin);
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size))) throw new CheckpointError('checkpoint size must be a decimal ≥ 1 without leading zeros');
  if (!BASE64_HASH.test(root)) throw new CheckpointError('checkpoint root must be a base64 SHA-256 hash');
  const hash = Buffer.from(root, 'base64');
  if (hash.toString('base64') !== root) throw new CheckpointError('checkpoint root is not canonical base64');
  if (extensions.some((l) => l.length === 0)) throw new CheckpointError('empty extension line');
  return extensions.length ? { origin, size: Number(size), root: hash, extensions } : { origin, size: Number(size), root: hash };
}

/** Formats and signs a checkpoint: the exact bytes served at /ledger/checkpoint. */
export function signCheckpoint(cp: Checkpoint, signer: Signer): string {
  if (signer.name !== cp.origin) throw new CheckpointError('the key name must equal the checkpoint origin');
  return signNote(formatCheckpoint(cp), signer);
}

/**
 * Verifies a signed checkpoint with the log's key and parses it. The origin must equal the key
 * name (our contract), and `expectedOrigin` when given, so a checkpoint of another log signed with
 * the same key cannot be substituted.
 */
export function openCheckpoint(signed: string, verifier: Verifier, expectedOrigin?: string): Checkpoint & { note: OpenedNote } {
  const note = openNote(signed, [verifier]);
  const cp = parseCheckpoint(note.text);
  if (cp.origin !== verifier.name) throw new NoteError(`checkpoint origin ${JSON.stringify(cp.origin)} differs from key name ${JSON.stringify(verifier.name)}`);
  if (expectedOrigin !== undefined && cp.origin !== expectedOrigin) throw new CheckpointError(`unexpected origin ${JSON.stringify(cp.origin)}`);
  return { ...cp, note };
}

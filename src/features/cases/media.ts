// Media of cases: content sniffing (the type is what the bytes are, never what the name says),
// EXIF/GPS stripping and thumbnails with sharp, and a content-addressed store behind a small interface
// (disk here; an S3-compatible bucket is the scale-out option, see docs/cases.md).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export type SniffedType = 'image/jpeg' | 'image/png' | 'image/webp' | 'video/mp4';
export const IMAGE_TYPES: readonly SniffedType[] = ['image/jpeg', 'image/png', 'image/webp'];
export const MAX_PHOTOS = 9;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 100 * 1024 * 1024;

const NAMES: Record<SniffedType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'video/mp4': 'MP4' };
const EXTENSIONS: Record<string, SniffedType> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', jpe: 'image/jpeg', png: 'image/png', webp: 'image/webp', mp4: 'video/mp4', m4v: 'video/mp4' };

/** The type of a file from its first bytes (≥ 12), or null when it is none of the accepted ones. */
export function sniff(head: Uint8Array): SniffedType | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') return 'video/mp4';
  return null;
}

/**
 * Why a file is refused, or null. The content decides the type; a name or declared type that claims
 * another type is refused too (a PNG named .jpg is a mislabelled file, not a JPEG).
 */
export function fileProblem(kind: 'photo' | 'video', sniffed: SniffedType | null, filename: string, declared: string): string | null {
  const allowed = kind === 'photo' ? 'JPEG, PNG or WebP' : 'MP4';
  if (!sniffed) return `is not a ${allowed} file (by its content)`;
  if (kind === 'photo' && !IMAGE_TYPES.includes(sniffed)) return `is a ${NAMES[sniffed]} file; photos must be ${allowed}`;
  if (kind === 'video' && sniffed !== 'video/mp4') return `is a ${NAMES[sniffed]} file; the video must be MP4`;
  const ext = path.extname(filename).slice(1).toLowerCase();
  const byName = EXTENSIONS[ext];
  if (ext && byName !== sniffed) return `is a ${NAMES[sniffed]} file but is named .${ext}`;
  const claimed = declared.split(';')[0]!.trim().toLowerCase();
  const normalised = claimed === 'image/jpg' ? 'image/jpeg' : claimed;
  if (normalised && normalised !== 'application/octet-stream' && normalised !== sniffed) return `is a ${NAMES[sniffed]} file but was sent as ${claimed.slice(0, 60)}`;
  return null;
}

export interface ProcessedImage {
  data: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
}

/**
 * Re-encodes an image without any metadata (EXIF incl. GPS and device, XMP, IPTC), upright after
 * applying the EXIF orientation, and makes a 320-pixel WebP thumbnail. Throws on an undecodable file.
 */
export async function processImage(file: string, type: SniffedType): Promise<ProcessedImage> {
  const img = sharp(file, { limitInputPixels: 100_000_000, failOn: 'error' }).rotate();
  const out = type === 'image/png' ? img.png() : type === 'image/webp' ? img.webp({ quality: 90 }) : img.jpeg({ quality: 90, mozjpeg: false });
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  const thumb = await sharp(data).resize(320, 320, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer();
  return { data, thumb, width: info.width, height: info.height };
}

export const sha256Of = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

export async function sha256OfFile(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Content-addressed storage of case files. */
export interface MediaStore {
  /** Stores bytes under their SHA-256 (a no-op when present) and returns it. */
  putBytes(data: Buffer): Promise<string>;
  /** Moves a finished temporary file in under its SHA-256. */
  putFile(file: string, sha256: string): Promise<void>;
  read(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
  /** A directory for temporary files on the same file system. */
  tempDir(): string;
}

export class DiskMediaStore implements MediaStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  private pathOf(sha: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error('not a sha256');
    return path.join(this.root, sha.slice(0, 2), sha.slice(2, 4), sha);
  }

  tempDir(): string {
    return path.join(this.root, 'tmp');
  }

  async putBytes(data: Buffer): Promise<string> {
    const sha = sha256Of(data);
    if (await this.has(sha)) return sha;
    const tmp = path.join(this.tempDir(), `${sha}.${crypto.randomBytes(4).toString('hex')}`);
    await fs.promises.writeFile(tmp, data);
    await this.putFile(tmp, sha);
    return sha;
  }

  async putFile(file: string, sha: string): Promise<void> {
    const dest = this.pathOf(sha);
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    await fs.promises.rename(file, dest);
  }

  read(sha: string): Promise<Buffer> {
    return fs.promises.readFile(this.pathOf(sha));
  }

  async has(sha: string): Promise<boolean> {
    return fs.promises.access(this.pathOf(sha)).then(() => true, () => false);
  }

  /** Every stored file (for tests and a future sweep of files no case refers to). */
  async list(): Promise<string[]> {
    const out: string[] = [];
    for (const a of await fs.promises.readdir(this.root)) {
      if (a === 'tmp') continue;
      for (const b of await fs.promises.readdir(path.join(this.root, a))) out.push(...(await fs.promises.readdir(path.join(this.root, a, b))));
    }
    return out;
  }
}

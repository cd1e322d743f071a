// Receiving a public report's multipart body without trusting it: each file is streamed to a
// temporary file while it is counted, checked by its content, and only moved into the media store
// once the whole submission is known to be good. A refused submission leaves nothing behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, validationFailed, type FieldError } from '../../lib/errors.ts';
import type { AttachedMedia } from './intake.ts';
import {
  fileProblem, MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_VIDEO_BYTES, processImage, sha256OfFile, sniff, type MediaStore, type SniffedType,
} from './media.ts';

/** The part of a multipart part this module needs (what @fastify/multipart yields). */
export interface IncomingPart {
  type: 'file' | 'field';
  fieldname: string;
  filename?: string;
  mimetype?: string;
  file?: AsyncIterable<Buffer>;
  value?: unknown;
}

interface Received {
  field: 'photos' | 'video';
  index: number;
  temp: string;
  bytes: number;
  type: SniffedType;
}

export interface Submission {
  fields: Record<string, string>;
  files: Received[];
}

const FIELD_NAMES = new Set(['text', 'category', 'subjectUnitCode', 'subjectStaffCode', 'lat', 'long', 'address', 'realName', 'reporterName', 'reporterPhone', 'reporterEmail']);

async function drain(stream: AsyncIterable<Buffer>) {
  for await (const _ of stream);
}

export async function removeTemps(files: { temp: string }[]) {
  await Promise.all(files.map((f) => fs.promises.rm(f.temp, { force: true })));
}

/** Reads every part; throws a 400 naming each bad field or file, after deleting what was written. */
export async function receiveSubmission(parts: AsyncIterable<IncomingPart>, store: MediaStore): Promise<Submission> {
  const fields: Record<string, string> = {};
  const files: Received[] = [];
  const errors: FieldError[] = [];
  let photos = 0;
  let videos = 0;
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (!FIELD_NAMES.has(part.fieldname)) errors.push({ path: `/body/${part.fieldname.slice(0, 40)}`, message: 'is not a field of a report' });
        else if (part.fieldname in fields) errors.push({ path: `/body/${part.fieldname}`, message: 'was sent twice' });
        else fields[part.fieldname] = String(part.value ?? '');
        continue;
      }
      const stream = part.file!;
      const field = part.fieldname === 'photos' || part.fieldname === 'photo' ? 'photos' : part.fieldname === 'video' ? 'video' : null;
      if (!field) {
        errors.push({ path: `/body/${part.fieldname.slice(0, 40)}`, message: 'files go in photos (up to 9) or video (one)' });
        await drain(stream);
        continue;
      }
      const index = field === 'photos' ? photos++ : videos++;
      const where = field === 'photos' ? `/body/photos/${index}` : '/body/video';
      if (field === 'photos' && index >= MAX_PHOTOS) {
        errors.push({ path: where, message: `at most ${MAX_PHOTOS} photos; this is photo ${index + 1}` });
        await drain(stream);
        continue;
      }
      if (field === 'video' && index >= 1) {
        errors.push({ path: `/body/video/${index}`, message: 'at most one video' });
        await drain(stream);
        continue;
      }
      const limit = field === 'photos' ? MAX_PHOTO_BYTES : MAX_VIDEO_BYTES;
      const temp = path.join(store.tempDir(), `upload-${crypto.randomBytes(12).toString('hex')}`);
      const out = await fs.promises.open(temp, 'wx', 0o600);
      let bytes = 0;
      let head = Buffer.alloc(0);
      let tooBig = false;
      try {
        for await (const chunk of stream) {
          bytes += chunk.length;
          if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
          if (bytes > limit) tooBig = true;
          if (!tooBig) await out.write(chunk);
        }
      } finally {
        await out.close();
      }
      const type = sniff(head);
      const problem = tooBig
        ? `is ${(bytes / 1048576).toFixed(1)} MB; ${field === 'photos' ? 'a photo' : 'the video'} may be at most ${limit / 1048576} MB`
        : bytes === 0 ? 'is empty' : fileProblem(field === 'photos' ? 'photo' : 'video', type, part.filename ?? '', part.mimetype ?? '');
      if (problem) {
        errors.push({ path: where, message: `${part.filename ? JSON.stringify(part.filename.slice(0, 100)) + ' ' : ''}${problem}` });
        await fs.promises.rm(temp, { force: true });
        continue;
      }
      files.push({ field, index, temp, bytes, type: type! });
    }
  } catch (err) {
    await removeTemps(files);
    // The multipart reader's own limits (too many parts, a body past the hard cap) end here.
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode === 413 || e.code === 'FST_REQ_FILE_TOO_LARGE' || e.code === 'FST_FILES_LIMIT' || e.code === 'FST_PARTS_LIMIT' || e.code === 'FST_FIELDS_LIMIT') {
      throw new AppError(413, `The report is too large: ${e.message ?? 'limit reached'}`);
    }
    if (e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new AppError(415, 'A report is sent as multipart/form-data');
    throw err;
  }
  if (errors.length) {
    await removeTemps(files);
    throw validationFailed(errors);
  }
  return { fields, files };
}

/**
 * Strips metadata from the photos and moves every file into the store. Photos that do not decode
 * are refused (and nothing is stored). Videos are kept as sent (see docs/cases.md on MP4 metadata).
 */
export async function storeSubmissionFiles(files: Received[], store: MediaStore): Promise<AttachedMedia[]> {
  const processed: { f: Received; image?: Awaited<ReturnType<typeof processImage>> }[] = [];
  const errors: FieldError[] = [];
  for (const f of files) {
    if (f.field === 'video') { processed.push({ f }); continue; }
    try {
      processed.push({ f, image: await processImage(f.temp, f.type) });
    } catch {
      errors.push({ path: `/body/photos/${f.index}`, message: 'could not be read as an image (damaged or not really an image)' });
    }
  }
  if (errors.length) {
    await removeTemps(files);
    throw validationFailed(errors);
  }
  const out: AttachedMedia[] = [];
  for (const { f, image } of processed) {
    if (image) {
      const sha = await store.putBytes(image.data);
      const thumb = await store.putBytes(image.thumb);
      await fs.promises.rm(f.temp, { force: true });
      out.push({ kind: 'image', mime: f.type, sha256: sha, thumbSha256: thumb, bytes: image.data.length, width: image.width, height: image.height, url: null });
    } else {
      const sha = await sha256OfFile(f.temp);
      if (await store.has(sha)) await fs.promises.rm(f.temp, { force: true });
      else await store.putFile(f.temp, sha);
      out.push({ kind: 'video', mime: f.type, sha256: sha, thumbSha256: null, bytes: f.bytes, width: null, height: null, url: null });
    }
  }
  return out;
}

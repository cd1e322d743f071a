// The report form's own checks, pure (no browser, no React): photos and the video checked by their first bytes before
// upload (the server checks again), receipt codes as typed, and friendly texts for the server's refusals.
import type { MessageKey } from '../shared/i18n/zh-CN.ts';

export const CONDUCT_CATEGORIES = [
  'indifference', 'buck_passing', 'extortion', 'inaction', 'selective_enforcement', 'data_fraud', 'formalism', 'other',
] as const;

export const MAX_PHOTOS = 9;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** The type a file's first bytes say it is (what the server goes by), or null. */
export function sniffImage(head: Uint8Array): (typeof PHOTO_TYPES)[number] | null {
  const at = (i: number) => head[i] ?? -1;
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => at(i) === b)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...head.slice(from, to));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

const EXTENSIONS: Record<(typeof PHOTO_TYPES)[number], RegExp> = { 'image/jpeg': /\.(jpe?g)$/i, 'image/png': /\.png$/i, 'image/webp': /\.webp$/i };

/**
 * Why a photo cannot be sent, or null: too big, empty, not a JPEG/PNG/WebP by its content, or named as
 * another type than it is (the server refuses a PNG named .jpg too).
 */
export function photoProblem(file: { name: string; size: number }, head: Uint8Array): MessageKey | null {
  if (file.size === 0) return 'cases.photo.empty';
  if (file.size > MAX_PHOTO_BYTES) return 'cases.photo.tooBig';
  const type = sniffImage(head);
  if (!type) return 'cases.photo.notImage';
  const ext = /\.[^.]+$/.exec(file.name)?.[0];
  if (ext && !EXTENSIONS[type].test(file.name)) return 'cases.photo.misnamed';
  return null;
}

export const MAX_VIDEO_BYTES = 100 * 1024 * 1024;

/** Why a video cannot be sent, or null: empty, over 100 MB, not MP4 by its content (`ftyp` box), or misnamed. */
export function videoProblem(file: { name: string; size: number }, head: Uint8Array): MessageKey | null {
  if (file.size === 0) return 'cases.video.empty';
  if (file.size > MAX_VIDEO_BYTES) return 'cases.video.tooBig';
  if (String.fromCharCode(...head.slice(4, 8)) !== 'ftyp') return 'cases.video.notMp4';
  const ext = /\.[^.]+$/.exec(file.name)?.[0];
  if (ext && !/\.(mp4|m4v)$/i.test(ext)) return 'cases.video.notMp4';
  return null;
}

export { groupCode } from '../shared/codes.ts';
/** What a person typed or pasted → the digits the server wants. */
export const cleanCode = (typed: string) => typed.replace(/[\s-]/g, '');

/** Friendly texts for the report form's field refusals (path, server message) → key. */
export function reportProblem(path: string, message: string): MessageKey | undefined {
  if (path.startsWith('/body/photos/')) {
    if (/at most \d+ photos/.test(message)) return 'cases.photo.tooMany';
    if (/MB/.test(message)) return 'cases.photo.tooBig';
    if (/empty/.test(message)) return 'cases.photo.empty';
    if (/but is named|but was sent as/.test(message)) return 'cases.photo.misnamed';
    return 'cases.photo.notImage';
  }
  if (path.startsWith('/body/video')) {
    if (/MB/.test(message)) return 'cases.video.tooBig';
    if (/empty/.test(message)) return 'cases.video.empty';
    if (/at most one/.test(message)) return 'cases.video.tooMany';
    return 'cases.video.notMp4';
  }
  if (path === '/body/text') return /at most/.test(message) ? 'cases.error.textLong' : 'cases.error.textRequired';
  if (path === '/body/subjectUnitCode') return 'cases.error.unit';
  if (path === '/body/reporterName') return 'cases.error.nameRequired';
  if (path === '/body/reporterPhone') return /needs a phone/.test(message) ? 'cases.error.phoneRequired' : 'cases.error.phone';
  if (path === '/body/lat' || path === '/body/long') return 'cases.error.location';
  if (path === '/body/address') return 'cases.error.address';
  return undefined;
}

/** One sentence for a refusal of the follow-up by receipt code. */
export function trackProblem(e: unknown): MessageKey {
  // An ApiError (shared/api.ts), recognised by its shape so this module stays free of the app's imports.
  if (!isProblemError(e)) return 'error.server';
  if (e.status === 404) return 'cases.track.notFound';
  if (e.status === 400 && e.problem.errors?.some((x) => x.path.endsWith('/receiptCode'))) return 'cases.track.badCode';
  if (e.status === 409) return /messages are closed/.test(e.problem.detail ?? '') ? 'cases.track.messagesClosed' : 'cases.track.cannotReopen';
  if (e.status === 429) return 'error.rateLimited';
  if (e.status === 0) return 'error.network';
  return e.status === 400 ? 'error.checkFields' : 'error.server';
}

interface ProblemError {
  status: number;
  problem: { detail?: string; errors?: { path: string; message: string }[] };
}
const isProblemError = (e: unknown): e is ProblemError =>
  typeof e === 'object' && e !== null && typeof (e as ProblemError).status === 'number' && typeof (e as ProblemError).problem === 'object';

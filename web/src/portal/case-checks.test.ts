// The report form's own checks (before anything is sent) and its reading of the server's refusals.
import { describe, expect, it } from 'vitest';
import { cleanCode, groupCode, MAX_PHOTO_BYTES, MAX_VIDEO_BYTES, photoProblem, reportProblem, sniffImage, trackProblem, videoProblem } from './case-checks.ts';

/** The shape of shared/api.ts's ApiError (that module needs the browser build's settings). */
const problem = (status: number, p: { detail?: string; errors?: { path: string; message: string }[] } = {}) => Object.assign(new Error('refused'), { status, problem: { status, ...p } });

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const WEBP = new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 ');
const EXE = new TextEncoder().encode('MZ\x90\x00\x03\x00\x00\x00');

describe('photo checks before upload', () => {
  it('knows an image by its first bytes, not its name', () => {
    expect(sniffImage(JPEG)).toBe('image/jpeg');
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(WEBP)).toBe('image/webp');
    expect(sniffImage(EXE)).toBeNull();
    expect(sniffImage(new Uint8Array())).toBeNull();
  });

  it('refuses empty, oversize, non-image and misnamed files, and accepts the rest', () => {
    expect(photoProblem({ name: 'a.jpg', size: 2048 }, JPEG)).toBeNull();
    expect(photoProblem({ name: 'IMG_0001.JPEG', size: 2048 }, JPEG)).toBeNull();
    expect(photoProblem({ name: 'shot.png', size: 2048 }, PNG)).toBeNull();
    expect(photoProblem({ name: 'noext', size: 2048 }, WEBP)).toBeNull();
    expect(photoProblem({ name: 'a.jpg', size: 0 }, JPEG)).toBe('cases.photo.empty');
    expect(photoProblem({ name: 'a.jpg', size: MAX_PHOTO_BYTES + 1 }, JPEG)).toBe('cases.photo.tooBig');
    expect(photoProblem({ name: 'a.jpg', size: MAX_PHOTO_BYTES }, JPEG)).toBeNull();
    expect(photoProblem({ name: 'virus.png', size: 2048 }, EXE)).toBe('cases.photo.notImage');
    expect(photoProblem({ name: 'renamed.jpg', size: 2048 }, PNG)).toBe('cases.photo.misnamed');
  });
});

describe('video check before upload', () => {
  const MP4 = new TextEncoder().encode('\x00\x00\x00\x18ftypmp42');
  it('takes one MP4 by its ftyp box and refuses the rest', () => {
    expect(videoProblem({ name: 'clip.mp4', size: 5_000_000 }, MP4)).toBeNull();
    expect(videoProblem({ name: 'VID.M4V', size: 5_000_000 }, MP4)).toBeNull();
    expect(videoProblem({ name: 'clip.mp4', size: MAX_VIDEO_BYTES }, MP4)).toBeNull();
    expect(videoProblem({ name: 'clip.mp4', size: MAX_VIDEO_BYTES + 1 }, MP4)).toBe('cases.video.tooBig');
    expect(videoProblem({ name: 'clip.mp4', size: 0 }, MP4)).toBe('cases.video.empty');
    expect(videoProblem({ name: 'clip.mp4', size: 2048 }, JPEG)).toBe('cases.video.notMp4');
    expect(videoProblem({ name: 'clip.mov', size: 2048 }, MP4)).toBe('cases.video.notMp4');
    expect(reportProblem('/body/video', '"a.mp4" is 101.0 MB; the video may be at most 100 MB')).toBe('cases.video.tooBig');
    expect(reportProblem('/body/video/1', 'at most one video')).toBe('cases.video.tooMany');
    expect(reportProblem('/body/video', '"a.mp4" is a JPEG file; the video must be MP4')).toBe('cases.video.notMp4');
  });
});

describe('receipt codes and refusals', () => {
  it('groups a code by four digits and reads back what was typed', () => {
    expect(groupCode('123456789012345678901234')).toBe('1234 5678 9012 3456 7890 1234');
    expect(cleanCode(' 1234 5678-9012 ')).toBe('123456789012');
  });

  it('maps the server problems of a report to friendly texts', () => {
    expect(reportProblem('/body/photos/9', 'at most 9 photos; this is photo 10')).toBe('cases.photo.tooMany');
    expect(reportProblem('/body/photos/0', '"a.jpg" is 11.0 MB; a photo may be at most 10 MB')).toBe('cases.photo.tooBig');
    expect(reportProblem('/body/photos/1', '"a.jpg" is a PNG file but is named .jpg')).toBe('cases.photo.misnamed');
    expect(reportProblem('/body/photos/1', '"a.png" is not a JPEG, PNG or WebP file (by its content)')).toBe('cases.photo.notImage');
    expect(reportProblem('/body/photos/2', 'could not be read as an image (damaged or not really an image)')).toBe('cases.photo.notImage');
    expect(reportProblem('/body/text', 'is required: say what happened (请描述问题)')).toBe('cases.error.textRequired');
    expect(reportProblem('/body/text', 'must be at most 4000 characters')).toBe('cases.error.textLong');
    expect(reportProblem('/body/reporterPhone', 'a real-name report needs a phone number or an e-mail to be revisited')).toBe('cases.error.phoneRequired');
    expect(reportProblem('/body/reporterPhone', 'is not a mobile number')).toBe('cases.error.phone');
    expect(reportProblem('/body/somethingElse', 'x')).toBeUndefined();
  });

  it('says why a follow-up was refused', () => {
    expect(trackProblem(problem(404))).toBe('cases.track.notFound');
    expect(trackProblem(problem(400, { errors: [{ path: '/body/receiptCode', message: 'a receipt code is 24 digits' }] }))).toBe('cases.track.badCode');
    expect(trackProblem(problem(409, { detail: 'The case is finished; messages are closed' }))).toBe('cases.track.messagesClosed');
    expect(trackProblem(problem(409, { detail: 'The case can be reopened within 15 days of its decision; that time has passed' }))).toBe('cases.track.cannotReopen');
    expect(trackProblem(problem(429))).toBe('error.rateLimited');
    expect(trackProblem(new Error('x'))).toBe('error.server');
  });
});

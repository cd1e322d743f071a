import { describe, expect, it } from 'vitest';
import { CheckpointError, formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.ts';
import { keygen, keyId, NoteError, openNote, parseSignerKey, parseVerifierKey, signNote } from './note.ts';

const SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIG_LINE = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

describe('signed notes (x/mod note vector)', () => {
  it('reproduces the signature line and verifier key', () => {
    const signer = parseSignerKey(SIGNER);
    expect(signer.verifierKey).toBe(VERIFIER);
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(signNote(TEXT, signer)).toBe(`${TEXT}\n${SIG_LINE}`);
  });

  it('verifies with the verifier key and rejects tampering', () => {
    const v = parseVerifierKey(VERIFIER);
    const signed = `${TEXT}\n${SIG_LINE}`;
    const opened = openNote(signed, [v]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(() => openNote(signed.replace('cryptography', 'Cryptography'), [v])).toThrow(NoteError);
    expect(() => openNote(signed.replace('x08go', 'x08gp'), [v])).toThrow(NoteError);
    expect(() => openNote(signed.replace('—', '-'), [v])).toThrow(NoteError);
    expect(() => openNote(signed.replace('\n\n', '\n'), [v])).toThrow(NoteError);
    expect(() => openNote(signed.slice(0, -1), [v])).toThrow(NoteError);
    expect(() => openNote(signed.replace('problem,', 'problem,\t'), [v])).toThrow(NoteError);
    // A different key of the same name has a different key id: the signature is just "unverified".
    const other = parseVerifierKey(keygen('PeterNeumann').verifierKey);
    expect(() => openNote(signed, [other])).toThrow(/no signature by a known key/);
    // Extra signatures by unknown keys are reported, not fatal.
    const stranger = parseSignerKey(keygen('stranger').signerKey);
    const both = signNote(TEXT, parseSignerKey(SIGNER), stranger);
    const o2 = openNote(both, [v]);
    expect(o2.unverified.map((s) => s.name)).toEqual(['stranger']);
  });

  it('parses keys strictly', () => {
    expect(() => parseVerifierKey(VERIFIER.replace('c74f20a3', 'c74f20a4'))).toThrow(NoteError);
    expect(() => parseVerifierKey(VERIFIER.replace('+ARpc', '+AZpc'))).toThrow(NoteError);
    expect(() => parseVerifierKey('PeterNeumann+c74f20a3')).toThrow(NoteError);
    expect(() => parseSignerKey(SIGNER.replace('PRIVATE+', ''))).toThrow(NoteError);
    expect(() => parseSignerKey(SIGNER.replace('c74f20a3', 'C74F20A3'))).toThrow(NoteError);
    expect(() => signNote('no newline', parseSignerKey(SIGNER))).toThrow(NoteError);
  });

  it('keygen makes a working pair whose id follows the spec', () => {
    const { signerKey, verifierKey } = keygen('probity.local/ledger');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+probity\.local\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const s = parseSignerKey(signerKey);
    const v = parseVerifierKey(verifierKey);
    expect(s.verifierKey).toBe(verifierKey);
    const pub = Buffer.from(verifierKey.split('+').slice(2).join('+'), 'base64').subarray(1);
    expect(keyId('probity.local/ledger', pub)).toBe(v.keyId);
    expect(openNote(signNote('hello\n', s), [v]).text).toBe('hello\n');
    expect(() => keygen('bad name')).toThrow(NoteError);
    expect(() => keygen('a+b')).toThrow(NoteError);
  });
});

describe('checkpoints', () => {
  const root = Buffer.alloc(32, 7);
  it('formats and parses the C2SP body', () => {
    const text = formatCheckpoint({ origin: 'probity.local/ledger', size: 1234, root });
    expect(text).toBe(`probity.local/ledger\n1234\n${root.toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: 'probity.local/ledger', size: 1234, root });
    expect(parseCheckpoint(`${text}ext one\n`).extensions).toEqual(['ext one']);
  });

  it('never size 0, and rejects malformed bodies', () => {
    expect(() => formatCheckpoint({ origin: 'o', size: 0, root })).toThrow(CheckpointError);
    const good = `o\n5\n${root.toString('base64')}\n`;
    for (const bad of [good.replace('\n5\n', '\n0\n'), good.replace('\n5\n', '\n05\n'), good.replace('\n5\n', '\n-5\n'), good.slice(0, -1), `\n5\n${root.toString('base64')}\n`, good.replace('=', ''), `o\n5\n${Buffer.alloc(31).toString('base64')}\n`, `${good}\n`]) {
      expect(() => parseCheckpoint(bad), JSON.stringify(bad)).toThrow(CheckpointError);
    }
  });

  it('signs and opens, binding origin to key name', () => {
    const { signerKey, verifierKey } = keygen('probity.local/ledger');
    const s = parseSignerKey(signerKey);
    const v = parseVerifierKey(verifierKey);
    const signed = signCheckpoint({ origin: 'probity.local/ledger', size: 9, root }, s);
    expect(signed).toMatch(/^probity\.local\/ledger\n9\n[A-Za-z0-9+/=]{44}\n\n— probity\.local\/ledger [A-Za-z0-9+/=]{92}\n$/);
    const cp = openCheckpoint(signed, v, 'probity.local/ledger');
    expect(cp.size).toBe(9);
    expect(() => signCheckpoint({ origin: 'other', size: 9, root }, s)).toThrow(CheckpointError);
    expect(() => openCheckpoint(signed.replace('\n9\n', '\n10\n'), v)).toThrow(NoteError);
  });
});

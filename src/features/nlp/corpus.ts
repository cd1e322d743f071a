// The labelled complaint corpus (语料) the project writes and keeps: one JSON object per line with
// id, category, split ('train' or the held-out 'test') and text. Loaded strictly: a bad line stops
// training with its line number rather than being skipped.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { isConductCategory, type ConductCategory } from './categories.ts';

export const DEFAULT_CORPUS_PATH = fileURLToPath(new URL('./corpus/complaints.jsonl', import.meta.url));

export type Split = 'train' | 'test';

export interface Example {
  id: string;
  category: ConductCategory;
  split: Split;
  text: string;
}

export const TEXT_MIN = 8;
export const TEXT_MAX = 300;

/** Parses corpus text; every problem is reported with its line, and any problem refuses the corpus. */
export function parseCorpus(content: string): Example[] {
  const errors: FieldError[] = [];
  const examples: Example[] = [];
  const ids = new Set<string>();
  const texts = new Set<string>();
  content.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const where = `line ${i + 1}`;
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      errors.push({ path: where, message: 'not valid JSON' });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ path: where, message: 'expected an object' });
      return;
    }
    const o = value as Record<string, unknown>;
    const before = errors.length;
    if (typeof o.id !== 'string' || !/^[a-z0-9_-]{1,40}$/.test(o.id)) errors.push({ path: `${where}/id`, message: 'id must be 1–40 of a-z 0-9 _ -' });
    else if (ids.has(o.id)) errors.push({ path: `${where}/id`, message: `duplicate id ${o.id}` });
    if (!isConductCategory(o.category)) errors.push({ path: `${where}/category`, message: 'unknown category' });
    if (o.split !== 'train' && o.split !== 'test') errors.push({ path: `${where}/split`, message: "split must be 'train' or 'test'" });
    if (typeof o.text !== 'string' || [...o.text.trim()].length < TEXT_MIN || [...o.text].length > TEXT_MAX) {
      errors.push({ path: `${where}/text`, message: `text must be ${TEXT_MIN}–${TEXT_MAX} characters` });
    } else if (texts.has(o.text.trim())) errors.push({ path: `${where}/text`, message: 'duplicate text' });
    if (errors.length === before) {
      examples.push({ id: o.id as string, category: o.category as ConductCategory, split: o.split as Split, text: (o.text as string).trim() });
      ids.add(o.id as string);
      texts.add((o.text as string).trim());
    }
  });
  if (errors.length) throw new AppError(422, `the corpus has ${errors.length} bad line(s)`, { errors: errors.slice(0, 20) });
  if (examples.length === 0) throw new AppError(422, 'the corpus is empty');
  return examples;
}

export function loadCorpus(file: string = DEFAULT_CORPUS_PATH): Example[] {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch {
    throw new AppError(400, `cannot read the corpus ${file}`);
  }
  return parseCorpus(content);
}

/** Fingerprint of the training examples, stored in the model so eval can tell a stale model. */
export function trainingFingerprint(examples: readonly Example[]): string {
  const h = crypto.createHash('sha256');
  for (const e of examples) if (e.split === 'train') h.update(`${e.id}\t${e.category}\t${e.text}\n`);
  return h.digest('hex');
}

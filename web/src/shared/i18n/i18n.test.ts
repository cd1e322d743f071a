// Both dictionaries have the same keys, no empty text, the same {placeholders}; and every key the
// pages use — literally, or as a family built from data (`category.${v}`, label(t, 'rect.status', v)) —
// exists in both.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASES_FAMILIES } from './cases.families.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

const SRC = path.resolve(import.meta.dirname, '../..');
const dicts = { 'zh-CN': zhCN as Record<string, string>, en: en as Record<string, string> };

function sources(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'i18n' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [{ file: path.relative(SRC, p), text: fs.readFileSync(p, 'utf8') }] : [];
  });
}

const files = sources(SRC);
const namespaces = new Set(Object.keys(zhCN).map((k) => k.split('.')[0]!));

/** Values the server sends for the families the pages look up by data. */
const FAMILIES: Record<string, string[]> = {
  ...CASES_FAMILIES,
  regionLevel: ['province', 'city', 'county', 'township'],
  category: ['window_service', 'law_enforcement', 'general_admin'],
  staffLevel: ['leader', 'base'],
  staffStatus: ['candidate', 'active', 'departed'],
  role: ['admin', 'organizer', 'inspector', 'unit_head', 'staff', 'assessor', 'observer'],
  'rect.status': ['verifying', 'rectifying', 'revisiting', 'appealing', 'closed'],
  'rect.action': ['open', 'verify', 'rectify', 'revisit', 'appeal', 'decide-appeal', 'mark-false'],
  'rect.outcomeValue': ['resolved', 'unfounded', 'appeal_upheld'],
  'imports.status': ['running', 'completed', 'failed'],
  'calendar.kindValue': ['holiday', 'workday'],
  'access.actionValue': ['view', 'reveal'],
  'access.subjectType': ['staff', 'rating'],
  rating: ['level1', 'level2', 'level3', 'level4', 'level5'],
};

describe('i18n dictionaries', () => {
  it('zh-CN and en have exactly the same keys, none empty, with the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [locale, d] of Object.entries(dicts)) {
      for (const [k, v] of Object.entries(d)) expect(v.trim(), `${locale} ${k}`).not.toBe('');
    }
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(zhCN)) expect(holes(dicts.en[k]!), k).toEqual(holes(dicts['zh-CN'][k]!));
  });

  it('every key a page names literally is in both dictionaries', () => {
    const used = new Map<string, string>();
    for (const { file, text } of files) {
      for (const m of text.matchAll(/'([a-zA-Z]+(?:\.[a-zA-Z0-9_-]+)+)'/g)) {
        const key = m[1]!;
        if (namespaces.has(key.split('.')[0]!)) used.set(key, file);
      }
    }
    expect(used.size).toBeGreaterThan(100);
    const families = new Set(Object.keys(FAMILIES));
    const missing = [...used].filter(([k]) => !families.has(k) && !(k in zhCN && k in en)).map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
  });

  it('every family looked up from data has a key for each value the server sends, and pages use only those families', () => {
    for (const [prefix, values] of Object.entries(FAMILIES)) {
      for (const v of values) {
        for (const [locale, d] of Object.entries(dicts)) expect(d[`${prefix}.${v}`], `${locale} ${prefix}.${v}`).toBeDefined();
      }
    }
    const dynamic = new Set<string>();
    for (const { text } of files) {
      for (const m of text.matchAll(/`([a-zA-Z.]+)\.\$\{/g)) dynamic.add(m[1]!);
      for (const m of text.matchAll(/label\(t, '([a-zA-Z.]+)'/g)) dynamic.add(m[1]!);
    }
    expect(dynamic.size).toBeGreaterThan(5);
    expect([...dynamic].filter((p) => !(p in FAMILIES))).toEqual([]);
  });
});

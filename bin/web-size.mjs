#!/usr/bin/env node
// First-load JavaScript of each web app, gzipped, from Vite's manifest: the entry chunk and every chunk
// it imports statically (lazy routes are not counted: they load when their page opens).
//   node bin/web-size.mjs   prints the sizes and exits 1 when the portal is over its budget
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'web', 'dist');
/** Budgets in KB (1024 bytes) of gzipped JavaScript on first load. */
export const BUDGETS = { portal: 300, admin: 600 };
const APPS = {
  portal: { name: 'portal (/)', entry: 'index.html' },
  admin: { name: 'console (/admin)', entry: 'admin/index.html' },
};

const gz = (file) => zlib.gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length;

export function firstLoad(manifest, entry) {
  const seen = new Set();
  const files = [];
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no chunk ${key}`);
    if (chunk.file.endsWith('.js')) files.push(chunk.file);
    for (const i of chunk.imports ?? []) walk(i);
  };
  walk(entry);
  return files;
}

export function report({ check }) {
  let ok = true;
  console.log('web: first-load JavaScript, gzip -9 (lazy pages excluded)');
  const lazy = [];
  for (const [app, budget] of Object.entries(BUDGETS)) {
    const manifestFile = path.join(dist, '.vite', `manifest-${app}.json`);
    if (!fs.existsSync(manifestFile)) {
      console.error(`web: no build of ${app} (${path.relative(root, manifestFile)}); run \`npm run web:build\``);
      return false;
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    lazy.push(...Object.values(manifest).filter((c) => c.isDynamicEntry && c.file.endsWith('.js')));
    const files = firstLoad(manifest, APPS[app].entry);
    const bytes = files.reduce((n, f) => n + gz(f), 0);
    const kb = bytes / 1024;
    const over = kb > budget;
    if (over) ok = false;
    console.log(`  ${APPS[app].name.padEnd(18)} ${kb.toFixed(1).padStart(7)} KB of ${budget} KB  ${over ? 'OVER BUDGET' : 'ok'}  (${files.length} files)`);
  }
  const biggest = lazy.map((c) => ({ src: c.src ?? c.name, kb: gz(c.file) / 1024 })).sort((a, b) => b.kb - a.kb).slice(0, 5);
  console.log(`  ${lazy.length} lazy page chunks; largest: ${biggest.map((b) => `${path.basename(b.src)} ${b.kb.toFixed(1)} KB`).join(', ')}`);
  if (check && !ok) console.error('web: over the bundle-size budget');
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('web-size.mjs')) {
  process.exit(report({ check: true }) ? 0 : 1);
}

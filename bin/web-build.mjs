#!/usr/bin/env node
// Builds the web apps (web/ → web/dist) with Vite, then prints every first load's size.
//   node bin/web-build.mjs             always build
//   node bin/web-build.mjs --if-stale  build only when web/dist is missing or older than a source
//                                      (what `npm start` runs first, through the prestart script)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
// Written last by a complete build (the admin build runs second).
const stamp = path.join(web, 'dist', '.vite', 'manifest-admin.json');

/** Newest modification time among the web sources and the build's own config. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'public', 'index.html', 'admin', 'vite.config.ts']) if (fs.existsSync(path.join(web, p))) visit(path.join(web, p));
  visit(path.join(root, 'package-lock.json'));
  return newest;
}

if (process.argv.includes('--if-stale') && fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newestSource()) {
  console.log('web: web/dist is up to date');
  process.exit(0);
}

// What is served is a production bundle whoever builds it. Under vitest (the e2e suite builds a stale
// web/dist) NODE_ENV is 'test', and Vite would bake that in: antd's ids become the fixed 'test-id', so
// every dialog is labelled by the same element and loses its accessible name.
process.env.NODE_ENV = 'production';
let vite;
try {
  vite = await import('vite');
} catch {
  console.error('web: web/dist is missing or stale and Vite is not installed; run `npm install` (with dev dependencies) first');
  process.exit(1);
}
console.log('web: building web/dist …');
const started = Date.now();
fs.rmSync(path.join(web, 'dist'), { recursive: true, force: true });
for (const mode of ['portal', 'admin']) {
  await vite.build({ configFile: path.join(web, 'vite.config.ts'), mode, logLevel: process.env.CI ? 'warn' : 'info' });
}
console.log(`web: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const { report } = await import('./web-size.mjs');
report({ check: false });

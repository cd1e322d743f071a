// Two single-page apps, built one at a time so neither carries the other's code: the public portal
// (mode `portal`: index.html, served at /) and the console (mode `admin`: admin/index.html, served at
// /admin), into one web/dist. Each build writes its own manifest, which bin/web-size.mjs reads to
// measure first loads. bin/web-build.mjs runs both.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const ENTRIES: Record<string, string> = { portal: 'index.html', admin: 'admin/index.html' };

export default defineConfig(({ mode }) => {
  const entry = ENTRIES[mode];
  return {
    root,
    base: '/',
    plugins: [react()],
    build: {
      outDir: path.join(root, 'dist'),
      emptyOutDir: false,
      manifest: `.vite/manifest-${mode}.json`,
      reportCompressedSize: true,
      chunkSizeWarningLimit: 1500,
      rollupOptions: { input: entry ? { [mode]: path.join(root, entry) } : Object.values(ENTRIES).map((e) => path.join(root, e)) },
    },
    server: { proxy: { '/api': 'http://127.0.0.1:8080', '/ledger': 'http://127.0.0.1:8080' } },
  };
});

// Two single-page apps from one build: the public portal (index.html, served at /) and the console
// (admin/index.html, served at /admin). The manifest lets scripts/web-size.mjs measure first loads.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    manifest: true,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: { portal: path.join(root, 'index.html'), admin: path.join(root, 'admin/index.html') },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/ledger': 'http://127.0.0.1:8080' } },
});

// Browser tests (test/e2e): a real server and Debian's Chromium. Not part of `npm test`, which needs
// no browser; run with `npm run test:e2e` (and in .ci/run).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});

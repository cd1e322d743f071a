#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader, so there is no build step to forget.
//
// `probity score` holds a province's breakdowns while it scores them: with V8's default young
// generation the collector took a fifth of the run (bench/scoring: 67 s → 54 s with 64 MB semi-spaces).
// Heap sizes are fixed when the process starts, so the command runs itself again with the flag.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SEMI_SPACE = '--max-semi-space-size=64';
const wantsBigYoungGeneration = process.argv[2] === 'score';
const hasFlag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--max-semi-space-size'));
if (wantsBigYoungGeneration && !hasFlag) {
  const child = spawnSync(process.execPath, [SEMI_SPACE, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? (child.signal ? 1 : 0));
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/main.ts');

// PGlite allows one process per data directory. This lock turns a second process into a clear
// one-line refusal instead of a corrupted database.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../lib/errors.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireEmbeddedLock(dataDir: string, purpose: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'embedded.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, purpose }), { flag: 'wx', mode: 0o600 });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = JSON.parse(fs.readFileSync(file, 'utf8') || '{}') as { pid?: number; purpose?: string };
      if (holder.pid && alive(holder.pid) && holder.pid !== process.pid) {
        throw new AppError(423, `the embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.purpose}); stop it first, or use the HTTP API, or set DATABASE_URL`, { title: 'Locked' });
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new AppError(423, `could not lock ${file}`, { title: 'Locked' });
}

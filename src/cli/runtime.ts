// Shared plumbing for CLI commands: the same config as the server, the embedded lock, and errors
// printed as one line with a non-zero exit.
import { loadConfig, type Config } from '../config.ts';
import { createContext, createLogger, type AppContext } from '../context.ts';
import { acquireEmbeddedLock } from '../db/embedded-lock.ts';
import { AppError } from '../lib/errors.ts';

export async function withContext<T>(purpose: string, fn: (ctx: AppContext) => Promise<T>, config: Config = loadConfig()): Promise<T> {
  const release = config.databaseUrl ? () => {} : acquireEmbeddedLock(config.dataDir, purpose);
  try {
    // CLI logs go to stderr so that stdout stays clean for tokens and reports.
    const ctx = await createContext(config, { log: createLogger({ logLevel: process.env.LOG_LEVEL ?? 'warn' }, process.stderr) });
    try {
      return await fn(ctx);
    } finally {
      await ctx.close();
    }
  } finally {
    release();
  }
}

/** Wraps a command action: any failure becomes `probity: <reason>` and exit code 1. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const e = err as Error;
      const detail = err instanceof AppError && err.errors?.length ? ` (${err.errors.map((x) => `${x.path}: ${x.message}`).join('; ')})` : '';
      process.stderr.write(`probity: ${e.message}${detail}\n`);
      process.exitCode = 1;
    }
  };
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks for a secret on the terminal without echoing it. */
export async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new AppError(400, 'no terminal to ask for the password on; use --password-stdin');
  process.stderr.write(question);
  process.stdin.setRawMode(true);
  process.stdin.resume();
  let value = '';
  return new Promise((resolve, reject) => {
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(value);
        }
        if (ch === '\u0003') return reject(new AppError(400, 'cancelled'));
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    };
    process.stdin.on('data', onData);
  });
}

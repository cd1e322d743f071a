// `probity serve`: migrate, load the demo province on first start, listen, shut down gracefully.
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createContext } from '../context.ts';
import { acquireEmbeddedLock } from '../db/embedded-lock.ts';
import { demoPassword, DEMO_USERNAMES } from '../features/demo/generator.ts';
import { demoTransactionsFromEnv } from '../features/demo/activity.ts';
import { demoLoaded, loadDemo } from '../features/demo/service.ts';

export async function serve(): Promise<void> {
  const config = loadConfig();
  const release = config.databaseUrl ? () => {} : acquireEmbeddedLock(config.dataDir, 'probity serve');
  const ctx = await createContext(config);
  let demo = false;
  if (config.demoOnFirstStart && !(await demoLoaded(ctx.db))) {
    ctx.log.info('first start: loading the demo province');
    await loadDemo({ db: ctx.db, cipher: ctx.cipher }, { transactions: demoTransactionsFromEnv() }, (step) => ctx.log.info(`demo: ${step}`));
    demo = true;
  }
  const app = await buildApp(ctx);
  const address = await app.listen({ host: config.host, port: config.port });

  const lines = [`Probity is listening on ${address}  (database: ${ctx.database.kind})`, `  API docs: ${address}/docs`];
  if (demo || (await demoLoaded(ctx.db))) {
    lines.push('  Demo accounts (username / password):');
    for (const u of DEMO_USERNAMES) lines.push(`    ${u.padEnd(11)} ${demoPassword(u)}`);
  }
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await app.close(); // stops accepting, waits for in-flight requests and background imports
      await ctx.close();
    } finally {
      release();
      clearTimeout(force);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

// CLI: `probity ledger keygen | verify | integrate`.
import type { Command } from 'commander';
import { action, withContext } from '../cli/runtime.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../lib/errors.ts';
import { integrateAll } from './integrator.ts';
import { keygen } from './note.ts';
import { LedgerVerifyError, verifyRemote } from './remote.ts';
import { verifyDatabase } from './verify-db.ts';

interface VerifyOptions {
  url?: string;
  key?: string;
  witness?: string;
  sample?: string;
  all?: boolean;
  database?: boolean;
}

export function registerLedgerCommands(program: Command) {
  const ledger = program.command('ledger').description('the tamper-evident ledger (存证): keys, verification, integration');

  ledger.command('keygen')
    .description('print a new signer key (line 1, secret: PROBITY_LEDGER_KEY) and its verifier key (line 2, publish it)')
    .option('--origin <name>', 'key name = log origin (default PROBITY_LEDGER_ORIGIN or probity.local/ledger)')
    .action(action(async (opts: { origin?: string }) => {
      const { signerKey, verifierKey } = keygen(opts.origin ?? loadConfig().ledgerOrigin);
      process.stdout.write(`${signerKey}\n${verifierKey}\n`);
      process.stderr.write('keep the first line secret (PROBITY_LEDGER_KEY); publish the second so anyone can verify the log\n');
    }));

  ledger.command('verify')
    .description('verify a ledger over HTTP as an outsider (--url, --key), or the database behind this installation (--database)')
    .option('--url <url>', 'base URL of a Probity server, e.g. https://probity.example.gov.cn')
    .option('--key <vkey>', 'verifier key <name>+<id>+<key>, from a trusted channel')
    .option('--witness <file>', 'checkpoint seen last time: check consistency with it, then replace it')
    .option('--sample <n>', 'check the inclusion of n random entries (default 100)')
    .option('--all', 'check every entry (rebuilds the whole tree from the entry bundles)')
    .option('--database', "check this installation's database: records against entries, entries against tiles, tiles against the signed root")
    .action(action(async (opts: VerifyOptions) => {
      if (opts.database) {
        if (opts.url || opts.key || opts.witness || opts.sample || opts.all) throw new AppError(400, '--database checks the local database; it takes none of --url, --key, --witness, --sample, --all');
        await withContext('probity ledger verify', async (ctx) => {
          const report = await verifyDatabase(ctx);
          for (const p of report.problems) process.stdout.write(`  ${p}\n`);
          if (report.problemCount > report.problems.length) process.stdout.write(`  … and ${report.problemCount - report.problems.length} more\n`);
          if (!report.ok) throw new AppError(422, report.summary);
          process.stdout.write(`${report.summary}\n`);
        });
        return;
      }
      if (!opts.url || !opts.key) throw new AppError(400, 'give --url and --key (or --database)');
      if (opts.all && opts.sample) throw new AppError(400, 'give either --sample or --all');
      const sample = opts.sample === undefined ? undefined : Number(opts.sample);
      if (sample !== undefined && !(Number.isInteger(sample) && sample >= 1)) throw new AppError(400, '--sample must be a positive integer');
      try {
        process.stdout.write(`${await verifyRemote({ url: opts.url, key: opts.key, witness: opts.witness, sample, all: opts.all })}\n`);
      } catch (err) {
        if (err instanceof LedgerVerifyError) throw new AppError(422, `FAIL ${err.message}`);
        throw err;
      }
    }));

  ledger.command('integrate')
    .description('integrate every pending entry now and sign a checkpoint (the server does this continuously)')
    .action(action(async () => {
      await withContext('probity ledger integrate', async (ctx) => {
        const r = await integrateAll(ctx);
        process.stdout.write(`integrated ${r.integrated} entries; tree size ${r.size}\n`);
      });
    }));
}

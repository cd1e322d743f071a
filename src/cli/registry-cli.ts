// CLI: migrate, demo, import, user add, token add.
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { migrateToLatest } from '../db/migrate.ts';
import { addToken, addUser } from '../features/auth/service.ts';
import { loadDemo } from '../features/demo/service.ts';
import { IMPORT_KINDS } from '../features/imports/kinds.ts';
import { EVIDENCE_KINDS, importEvidenceFile } from '../features/ingest/cli.ts';
import { importCalendarCsv } from '../features/calendar/service.ts';
import * as importRepo from '../features/imports/repo.ts';
import { checkKind, executeJob, jobView, openJob } from '../features/imports/service.ts';
import { writersFor } from '../features/ingest/pipeline.ts';
import { AppError } from '../lib/errors.ts';
import { action, promptHidden, readStdin, withContext } from './runtime.ts';

export function registerRegistryCommands(program: Command) {
  program.command('migrate').description('apply database migrations (also done at every start)').action(
    action(async () => {
      await withContext('probity migrate', async (ctx) => {
        const applied = await migrateToLatest(ctx.db);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      });
    }),
  );

  program.command('demo').description('load the deterministic demo province (idempotent)')
    .option('--staff <n>', 'number of staff', '2000')
    .option('--seed <s>', 'seed for names, ID numbers and phones', 'probity-demo')
    .option('--transactions <n>', 'also a year of activity: this many transactions with ratings, rectifications and hotline tickets (once)', '0')
    .action(action(async (opts: { staff: string; seed: string; transactions: string }) => {
      const staff = Number(opts.staff);
      if (!Number.isInteger(staff) || staff < 0) throw new AppError(400, '--staff must be a non-negative integer');
      const transactions = Number(opts.transactions);
      if (!Number.isInteger(transactions) || transactions < 0 || transactions > 10_000_000) throw new AppError(400, '--transactions must be an integer 0–10000000');
      await withContext('probity demo', async (ctx) => {
        const result = await loadDemo({ db: ctx.db, cipher: ctx.cipher }, { staff, seed: opts.seed, transactions }, (s) => process.stderr.write(`loading ${s}\n`));
        process.stdout.write(`demo province loaded: ${result.units} units, ${result.staff} staff, ${result.users.length} demo accounts\n`);
      });
    }));

  const kinds = [...IMPORT_KINDS, ...EVIDENCE_KINDS].join(' | ');
  program.command('import').description(`import a file: ${kinds}`)
    .argument('<kind>', kinds)
    .argument('<file>', 'registry: CSV (UTF-8) or XLSX; evidence: NDJSON (gzip allowed), CSV or XLSX')
    .option('--report <file>', 'write every refused row (row, field, reason) to this CSV file')
    .option('--source <code>', 'evidence only: the registered source the rows come from')
    .action(action(async (kindArg: string, fileArg: string, opts: { report?: string; source?: string }) => {
      const evidence = EVIDENCE_KINDS.includes(kindArg);
      if (!evidence && !(IMPORT_KINDS as readonly string[]).includes(kindArg)) throw new AppError(400, `unknown kind ${kindArg}; use one of ${kinds}`);
      const file = path.resolve(fileArg);
      if (!fs.existsSync(file)) throw new AppError(404, `no such file: ${fileArg}`);
      if (evidence) {
        await withContext('probity import', (ctx) => importEvidenceFile(ctx, kindArg, file, opts));
        return;
      }
      const kind = checkKind(kindArg);
      await withContext('probity import', async (ctx) => {
        const deps = { db: ctx.db, cipher: ctx.cipher, writers: writersFor(ctx.database.kind) };
        const { job, resumed } = await openJob(deps, { kind, file, fileName: path.basename(file), keepFile: false, createdBy: null });
        if (resumed) process.stderr.write(`resuming import #${job.id} after row ${job.processed_rows}\n`);
        const bar = new cliProgress.SingleBar({ format: `${kind} [{bar}] {percentage}% | {value}/{total} rows | {eta}s left`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
        let started = false;
        const done = await executeJob(deps, job, file, { kind: 'all' }, (n, total) => {
          if (!started) { bar.start(total, n); started = true; } else bar.update(n);
        }).finally(() => bar.stop());
        const v = jobView(done);
        process.stdout.write(`import #${v.id} ${v.status}: ${v.processedRows} rows read, ${v.inserted} inserted, ${v.updated} updated, ${v.unchanged} unchanged, ${v.errorRows} refused\n`);
        await reportErrors(ctx.db, v.id, v.errorRows, opts.report);
      });
    }));

  const calendar = program.command('calendar').description('the working-day calendar (holidays and 调休 make-up workdays)');
  calendar.command('import').description('import holidays and make-up workdays from a CSV (date,kind,name or 日期,类型,名称)')
    .argument('<file>')
    .action(action(async (fileArg: string) => {
      const file = path.resolve(fileArg);
      if (!fs.existsSync(file)) throw new AppError(404, `no such file: ${fileArg}`);
      await withContext('probity calendar import', async (ctx) => {
        const r = await importCalendarCsv(ctx, file);
        process.stdout.write(`calendar: ${r.rows} rows, ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged, ${r.errors.length} refused\n`);
        for (const e of r.errors.slice(0, 50)) process.stdout.write(`${e.row},${e.field},"${e.reason.replace(/"/g, '""')}"\n`);
        if (r.errors.length) process.exitCode = 1;
      });
    }));

  const user = program.command('user').description('manage sign-in accounts');
  user.command('add').description('add a user; the password is prompted for or read from stdin')
    .requiredOption('--username <u>')
    .requiredOption('--role <r>', 'admin | organizer | inspector | unit_head | staff | assessor | observer')
    .option('--scope <code>', 'data scope: a unit code or region code (default: everything)')
    .option('--staff <code>', "the staff record a 'staff' account belongs to")
    .option('--display-name <name>')
    .option('--password-stdin', 'read the password from standard input')
    .action(action(async (opts: { username: string; role: string; scope?: string; staff?: string; displayName?: string; passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : await promptHidden('Password: ');
      await withContext('probity user add', async (ctx) => {
        const u = await addUser(ctx, { username: opts.username, password, role: opts.role, scopeCode: opts.scope, staffCode: opts.staff, displayName: opts.displayName });
        process.stdout.write(`user ${u.username} added with role ${u.role}\n`);
      });
    }));

  const token = program.command('token').description('manage bearer tokens for machines');
  token.command('add').description('create a bearer token; it is printed once and only its hash is kept')
    .requiredOption('--name <n>')
    .requiredOption('--role <r>', 'ingest | admin')
    .action(action(async (opts: { name: string; role: string }) => {
      await withContext('probity token add', async (ctx) => {
        const t = await addToken(ctx, opts);
        process.stdout.write(`${t.token}\n`);
        process.stderr.write(`token ${t.name} (${t.role}) created; store it now, it cannot be shown again\n`);
      });
    }));
}

async function reportErrors(db: Parameters<typeof importRepo.listErrors>[0], jobId: number, count: number, reportFile?: string) {
  if (!count) return;
  const first = await importRepo.listErrors(db, jobId, { page: 1, pageSize: reportFile ? 1_000_000 : 20 });
  const lines = first.items.map((e) => `${e.row_number},${e.field},"${e.reason.replace(/"/g, '""')}"`);
  if (reportFile) {
    fs.writeFileSync(reportFile, ['row,field,reason', ...lines].join('\n') + '\n');
    process.stdout.write(`row report written to ${reportFile}\n`);
  } else {
    process.stdout.write(['row,field,reason', ...lines].join('\n') + '\n');
    if (first.total > 20) process.stdout.write(`... ${first.total - 20} more; use --report FILE for all of them\n`);
  }
}

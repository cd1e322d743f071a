// CLI: `probity score --period 2026Q3 [--framework ID] [--publish]` and `probity framework import|export`.
// The operator at the console has database access already; commands act with organizer rights.
import fs from 'node:fs';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { action, withContext } from '../../cli/runtime.ts';
import { AppError } from '../../lib/errors.ts';
import type { Principal } from '../auth/principal.ts';
import { defaultInputProvider } from './inputs.ts';
import { computeRun, publishRun } from './runs.ts';
import { getFramework, importFramework, publishFramework } from './service.ts';

export const OPERATOR: Principal = { kind: 'token', id: 0, name: 'cli', role: 'organizer', scope: { kind: 'all' }, staffId: null };

const positiveInt = (v: string, name: string) => {
  if (!/^[1-9][0-9]{0,9}$/.test(v)) throw new AppError(400, `${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return Number(v);
};

export function registerScoringCommands(program: Command) {
  program.command('score').description('score every staff member and unit for a period with a published framework')
    .requiredOption('--period <code>', "'2026' year, '2026H1' half, '2026Q3' quarter or '2026-07' month")
    .option('--framework <id>', 'framework version id (default: the latest published)')
    .option('--publish', 'publish the run: freeze it and commit it to the ledger')
    .action(action(async (opts: { period: string; framework?: string; publish?: boolean }) => {
      const frameworkId = opts.framework === undefined ? undefined : positiveInt(opts.framework, '--framework');
      await withContext('probity score', async (ctx) => {
        const deps = { db: ctx.db, provider: await defaultInputProvider() };
        // One bar for the whole run: gathering inputs is the first fifth, scoring and storing the rest.
        const bar = new cliProgress.SingleBar({ format: 'score [{bar}] {percentage}% | {phase}', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
        bar.start(100, 0, { phase: 'inputs' });
        const { run, created } = await computeRun(deps, OPERATOR, { period: opts.period, frameworkId }, (phase, done, total) => {
          const share = total ? done / total : 1;
          const pct = phase === 'evidence' ? 20 * share : phase === 'scored' ? 25 : 25 + 75 * share;
          bar.update(Math.round(pct), { phase: `${phase} ${done}/${total}` });
        }).finally(() => bar.stop());
        process.stdout.write(`run #${run.id} ${created ? 'computed' : 'unchanged (same evidence and framework)'}: period ${run.period}, framework ${run.frameworkId}, ${run.subjectCount} scored, ${run.unscoredCount} without a variant, digest ${run.digest}\n`);
        if (opts.publish) {
          if (run.status === 'published') process.stdout.write(`run #${run.id} is already published\n`);
          else {
            const p = await publishRun(deps, OPERATOR, run.id);
            process.stdout.write(`run #${p.id} published at ${p.publishedAt}: frozen and committed to the ledger\n`);
          }
        }
      });
    }));

  const fw = program.command('framework').description('indicator frameworks (指标体系): import and export the JSON format of docs/scoring.md');
  fw.command('import').description('import a framework definition as a new draft version').argument('<file>', 'JSON file')
    .option('--publish', 'publish it at once (published versions are immutable)')
    .action(action(async (file: string, opts: { publish?: boolean }) => {
      if (!fs.existsSync(file)) throw new AppError(404, `no such file: ${file}`);
      let definition: unknown;
      try {
        definition = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        throw new AppError(400, `${file} is not JSON: ${(err as Error).message}`);
      }
      await withContext('probity framework import', async (ctx) => {
        const deps = { db: ctx.db, provider: await defaultInputProvider() };
        let f = await importFramework(deps, OPERATOR, { definition });
        if (opts.publish) f = await publishFramework(deps, OPERATOR, f.id);
        process.stdout.write(`framework #${f.id} ${f.code} version ${f.versionNo} ${f.status}\n`);
      });
    }));
  fw.command('export').description('print a framework version\'s definition as JSON').argument('<id>')
    .action(action(async (id: string) => {
      await withContext('probity framework export', async (ctx) => {
        const f = await getFramework({ db: ctx.db, provider: await defaultInputProvider() }, OPERATOR, positiveInt(id, 'id'));
        process.stdout.write(`${JSON.stringify(f.definition, null, 2)}\n`);
      });
    }));
}

// `probity integrity apply --period 2026Q3`: applies a period's events to everyone's integrity points
// (诚信积分); running it again adds nothing. Suitable for a nightly or quarterly job.
import type { Command } from 'commander';
import { action, withContext } from '../../cli/runtime.ts';
import { parsePeriod } from '../metrics/period.ts';
import { applyPeriod } from './service.ts';

export function registerIntegrityCommands(program: Command): void {
  const integrity = program.command('integrity').description('integrity points (诚信积分) of civil servants');
  integrity.command('apply').description("apply a period's evidence events to everyone's balance (idempotent)")
    .requiredOption('--period <code>', "'2026', '2026H1', '2026Q3' or '2026-07'")
    .action(action(async (opts: { period: string }) => {
      const period = parsePeriod(opts.period, '--period');
      await withContext('probity integrity apply', async (ctx) => {
        const r = await applyPeriod(ctx.db, period);
        process.stdout.write(`integrity ${r.period}: ${r.events} events, ${r.applied} applied (${r.pointsApplied >= 0 ? '+' : ''}${r.pointsApplied} points), ${r.alreadyApplied} already applied\n`);
      });
    }));
}

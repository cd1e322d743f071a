// `probity metrics --period 2026Q3 [--kind unit|staff] [--unit CODE] [--codes a,b] [--format table|csv|json]`:
// every metric of every unit (or staff member) for a period, computed in one set-based pass.
import type { Command } from 'commander';
import { sql } from 'kysely';
import { action, withContext } from '../../cli/runtime.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { METRICS, type SubjectKind } from './definitions.ts';
import { parsePeriod } from './period.ts';
import { parseCodes } from './query-service.ts';
import { computeMetrics, type MetricValue } from './service.ts';

export interface MetricsRow { code: string; name: string; unitCode: string; metrics: Record<string, MetricValue> }

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const shown = (m: MetricValue | undefined) => (!m ? '' : m.insufficient ? '—' : String(m.value));

/** Table (aligned, '—' for insufficient evidence), CSV (value, numerator, denominator per metric) or JSON. */
export function formatMetrics(rows: MetricsRow[], codes: string[], format: 'table' | 'csv' | 'json', meta: { period: string; kind: SubjectKind }): string {
  if (format === 'json') return `${JSON.stringify({ ...meta, items: rows })}\n`;
  if (format === 'csv') {
    const head = ['code', 'name', 'unit', ...codes.flatMap((c) => [c, `${c}_numerator`, `${c}_denominator`, `${c}_sample`])];
    const lines = rows.map((r) => [r.code, r.name, r.unitCode, ...codes.flatMap((c) => {
      const m = r.metrics[c]!;
      return [m.value === null ? '' : String(m.value), m.numerator === null ? '' : String(m.numerator), m.denominator === null ? '' : String(m.denominator), String(m.sample)];
    })].map(csvCell).join(','));
    return `${[head.join(','), ...lines].join('\n')}\n`;
  }
  const table = [['code', 'name', ...codes], ...rows.map((r) => [r.code, r.name, ...codes.map((c) => shown(r.metrics[c]))])];
  const width = (s: string) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => width(row[i]!))));
  const body = table.map((row) => row.map((cell, i) => cell + ' '.repeat(widths[i]! - width(cell))).join('  ').trimEnd()).join('\n');
  return `${body}\n— insufficient evidence / 样本不足 · period ${meta.period} · ${rows.length} ${meta.kind === 'unit' ? 'units' : 'staff'}\n`;
}

export function registerMetricsCommands(program: Command): void {
  program.command('metrics').description('metric values (指标数据) of every unit or staff member for a period; formulas in docs/metrics.md')
    .requiredOption('--period <code>', "'2026', '2026H1', '2026Q3' or '2026-07'")
    .option('--kind <kind>', 'unit | staff', 'unit')
    .option('--unit <code>', 'only this unit and its sub-units (or their staff)')
    .option('--codes <list>', `comma-separated metric codes (default all of the kind): ${Object.keys(METRICS).join(', ')}`)
    .option('--format <format>', 'table | csv | json', 'table')
    .action(action(async (opts: { period: string; kind: string; unit?: string; codes?: string; format: string }) => {
      if (opts.kind !== 'unit' && opts.kind !== 'staff') throw new AppError(400, `--kind must be unit or staff, got ${opts.kind}`);
      if (!['table', 'csv', 'json'].includes(opts.format)) throw new AppError(400, `--format must be table, csv or json, got ${opts.format}`);
      const kind = opts.kind as SubjectKind;
      const period = parsePeriod(opts.period, '--period');
      const codes = parseCodes(kind, opts.codes);
      await withContext('probity metrics', async (ctx) => {
        let under = '/';
        if (opts.unit) {
          const u = await ctx.db.selectFrom('units').select('path').where('code', '=', opts.unit).executeTakeFirst();
          if (!u) throw notFound(`Unit ${opts.unit}`);
          under = u.path;
        }
        const subjects = kind === 'unit'
          ? await sql<{ id: number; code: string; name: string; unit_code: string }>`
              select u.id, u.code, u.name, u.code as unit_code from units u where u.path like ${`${under}%`} order by u.code`.execute(ctx.db)
          : await sql<{ id: number; code: string; name: string; unit_code: string }>`
              select s.id, s.code, s.name, u.code as unit_code from staff s join units u on u.id = s.unit_id where u.path like ${`${under}%`} order by s.code`.execute(ctx.db);
        const ids = subjects.rows.map((s) => Number(s.id));
        const values = await computeMetrics(ctx.db, { kind, period, codes, subjectIds: opts.unit ? ids : undefined });
        const rows = subjects.rows.map((s) => ({ code: s.code, name: s.name, unitCode: s.unit_code, metrics: values.get(Number(s.id))! }));
        process.stdout.write(formatMetrics(rows, codes, opts.format as 'table', { period: period.code, kind }));
      });
    }));
}

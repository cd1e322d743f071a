// `probity unit-metrics --period 2026Q3 [--unit CODE]`: the service-quality metrics of units
// (unitMetrics in metrics-service.ts) for a period, as a table or JSON. Thin: the period is parsed
// here, everything else is the service's. (`probity metrics` belongs to the general metric library.)
import type { Command } from 'commander';
import { action, withContext } from '../../cli/runtime.ts';
import { AppError } from '../../lib/errors.ts';
import { unitMetrics, type Metric, type UnitMetricsResult } from './metrics-service.ts';
import { loadRatingsSettings } from './settings.ts';

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A period name → [from, to) as dates: a year (2026), a half (2026H1), a quarter (2026Q3) or a
 * month (2026-07). Undefined when the text is none of those.
 */
export function parsePeriod(text: string): { from: string; to: string } | undefined {
  const m = /^(\d{4})(?:([QH])([1-4])|-(\d{2}))?$/.exec(text.trim().toUpperCase());
  if (!m) return undefined;
  const year = Number(m[1]);
  let first = 1;
  let months = 12;
  if (m[2] === 'Q') [first, months] = [(Number(m[3]) - 1) * 3 + 1, 3];
  else if (m[2] === 'H') {
    if (Number(m[3]) > 2) return undefined;
    [first, months] = [(Number(m[3]) - 1) * 6 + 1, 6];
  } else if (m[4]) {
    const month = Number(m[4]);
    if (month < 1 || month > 12) return undefined;
    [first, months] = [month, 1];
  }
  const end = first + months; // 13 = January of the next year
  const to = end > 12 ? `${year + 1}-01-01` : `${year}-${pad2(end)}-01`;
  return { from: `${year}-${pad2(first)}-01`, to };
}

const LABELS: [keyof UnitMetricsResult['metrics'], string][] = [
  ['goodRate', '好评率 good rate'],
  ['badRate', '差评率 bad rate'],
  ['rectificationRate', '差评整改率 rectification rate'],
  ['onTimeRectificationRate', '按时整改率 on-time rectification'],
  ['revisitRate', '回访率 revisit rate'],
  ['falseRectificationRate', '虚假整改率 false rectification'],
  ['onTimeCompletionRate', '按时办结率 on-time completion'],
  ['averageProcessingDays', '平均办理工作日 avg processing days'],
];

const widthOf = (s: string) => [...s].reduce((w, ch) => w + (/[\u2E80-\uFFEF]/.test(ch) ? 2 : 1), 0);
const padEnd = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - widthOf(s)));

function valueText(key: string, m: Metric & { promisedAverage?: number | null }): string {
  if (m.value === null) return `— (${m.reason ?? 'n/a'}: ${m.numerator}/${m.denominator}) 证据不足`;
  if (key === 'averageProcessingDays') return `${m.value.toFixed(2)} (promised ${m.promisedAverage?.toFixed(2) ?? '—'}; n=${m.denominator})`;
  return `${(m.value * 100).toFixed(1)}% (${m.numerator}/${m.denominator})`;
}

/** The table the command prints for one unit. */
export function formatUnitMetrics(r: UnitMetricsResult): string {
  const c = r.counts;
  const lines = [
    `${r.unit.code} ${r.unit.name} (${r.unit.category}) — [${r.from}, ${r.to})${r.includeSubUnits ? ', with sub-units 含下级单位' : ''}, min sample ${r.minSample}`,
    `  ratings 评价 ${c.ratings} (defaulted 默认 ${c.defaulted}, bad 差评 ${c.badRatings}, excluded 申诉排除 ${c.excluded}); ` +
      `rectifications 整改 ${c.rectifications} (open ${c.openRectifications}, overdue 逾期 ${c.overdueRectifications}); completed transactions 办结 ${c.completedTransactions}`,
  ];
  for (const [key, label] of LABELS) lines.push(`  ${padEnd(label, 36)} ${valueText(key, r.metrics[key])}`);
  return lines.join('\n');
}

export function registerRatingsCommands(program: Command) {
  program.command('unit-metrics').description('service-quality metrics (好评率, 差评整改率, …) of one unit or of every unit for a period')
    .option('--period <p>', 'a year (2026), half (2026H1), quarter (2026Q3) or month (2026-07), in Beijing days')
    .option('--from <date>', 'start day YYYY-MM-DD (instead of --period)')
    .option('--to <date>', 'end day YYYY-MM-DD, exclusive (instead of --period)')
    .option('--unit <code>', 'one unit (default: every unit)')
    .option('--no-sub-units', 'count the unit itself only, not its sub-units')
    .option('--min-sample <n>', 'smallest denominator a metric is computed from (default PROBITY_METRICS_MIN_SAMPLE or 10)')
    .option('--json', 'print JSON instead of a table')
    .action(action(async (opts: { period?: string; from?: string; to?: string; unit?: string; subUnits: boolean; minSample?: string; json?: boolean }) => {
      let range: { from: string; to: string } | undefined;
      if (opts.period) {
        if (opts.from || opts.to) throw new AppError(400, 'use either --period or --from/--to');
        range = parsePeriod(opts.period);
        if (!range) throw new AppError(400, `--period must be a year (2026), half (2026H1), quarter (2026Q3) or month (2026-07), got "${opts.period}"`);
      } else if (opts.from && opts.to) range = { from: opts.from, to: opts.to };
      else throw new AppError(400, 'give --period, or both --from and --to');
      let minSample = loadRatingsSettings().metricsMinSample;
      if (opts.minSample !== undefined) {
        minSample = Number(opts.minSample);
        if (!Number.isInteger(minSample) || minSample < 1) throw new AppError(400, '--min-sample must be a positive integer');
      }
      await withContext('probity unit-metrics', async (ctx) => {
        const results = await unitMetrics(ctx.db, { ...range, unitCode: opts.unit, includeSubUnits: opts.subUnits, minSample });
        process.stdout.write(opts.json ? `${JSON.stringify(opts.unit ? results[0] : results, null, 2)}\n` : `${results.map(formatUnitMetrics).join('\n\n')}\n`);
      });
    }));
}

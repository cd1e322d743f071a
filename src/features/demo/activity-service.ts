// Loads the demo year (activity.ts) through the product's own paths, so every record has its ledger
// entries and passes the same checks as real data: transactions and hotline tickets through the
// ingest pipeline (source demo-platform), ratings through ingestRatings (a week at a time, "now"
// being the end of that week, so rectifications open when the 差评 came in), and each 差评's
// rectification walked along its path by the rectification service as a unit head and an inspector
// would. Idempotent: recorded in meta once done; a second call does nothing.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import type { Principal } from '../auth/principal.ts';
import { EVIDENCE_SPECS } from '../ingest/kinds.ts';
import { runIngest } from '../ingest/pipeline.ts';
import type { RawRecord } from '../ingest/reader.ts';
import * as ingestRepo from '../ingest/repo.ts';
import { cliSource } from '../ingest/service.ts';
import type { ActionName } from '../ratings/machine.ts';
import { act } from '../ratings/rectification-service.ts';
import { ingestRatings } from '../ratings/service.ts';
import { generateDemoActivity, type DemoRating, type RectificationPath } from './activity.ts';
import type { DemoServiceItem } from './types.ts';

const META_KEY = 'demo-activity';
const SOURCE = 'demo-platform';
const DAY = 86_400_000;

/** The demo's own actors: recorded by role, with no account behind them. */
const actor = (role: 'unit_head' | 'inspector'): Principal => ({ kind: 'token', id: 0, name: '演示数据', role, scope: { kind: 'all' }, staffId: null });
const UNIT = actor('unit_head');
const INSPECTOR = actor('inspector');

type Step = [ActionName, Record<string, unknown>, 'unit' | 'inspector'];
const verify: Step = ['verify', { finding: 'founded', reason: '经核实，情况属实' }, 'unit'];
const rectify: Step = ['rectify', { evidence: '已约谈窗口人员，制定一次性告知清单并公开承诺' }, 'unit'];
const satisfied: Step = ['revisit', { outcome: 'satisfied', note: '回访群众表示满意' }, 'unit'];
const appeal: Step = ['appeal', { kind: 'mistaken', reason: '评价对象有误：该办件由其他部门受理' }, 'unit'];

/** The actions that take a freshly opened rectification along its path. */
function stepsOf(path: RectificationPath, realName: boolean): Step[] {
  const fix: Step[] = realName ? [rectify, satisfied] : [rectify];
  switch (path) {
    case 'open': return [];
    case 'rectifying': return [verify];
    case 'revisiting': return [verify, rectify];
    case 'resolved': return [verify, ...fix];
    case 'redo': return [verify, rectify, ['revisit', { outcome: 'dissatisfied', note: '群众表示问题仍未解决' }, 'unit'], rectify, satisfied];
    case 'unfounded': return [['verify', { finding: 'unfounded', reason: '经调取录像核实，办理过程符合规定' }, 'unit']];
    case 'appealing': return [appeal];
    case 'appeal_upheld': return [appeal, ['decide-appeal', { decision: 'upheld', reason: '经复核，评价确属错评' }, 'inspector']];
    case 'appeal_rejected': return [appeal, ['decide-appeal', { decision: 'rejected', reason: '复核认为评价属实' }, 'inspector'], verify, ...fix];
    case 'false': return [verify, ...fix, ['mark-false', { reason: '暗访发现问题依旧，整改流于形式' }, 'inspector']];
  }
}

async function* recordsOf(values: Record<string, unknown>[]): AsyncGenerator<RawRecord[]> {
  for (let i = 0; i < values.length; i += 1000) yield values.slice(i, i + 1000).map((v, k) => ({ line: i + k + 1, values: v }));
}

export interface DemoActivityResult { transactions: number; ratings: number; hotline: number; rectifications: number; skipped: boolean }

export async function loadDemoActivity(
  deps: { db: Kysely<DB>; cipher: FieldCipher; writers?: number },
  items: readonly DemoServiceItem[], options: { transactions: number; seed?: string; now?: Date },
  onStep?: (step: string) => void,
): Promise<DemoActivityResult> {
  const none = { transactions: 0, ratings: 0, hotline: 0, rectifications: 0 };
  if (options.transactions <= 0) return { ...none, skipped: true };
  if (await deps.db.selectFrom('meta').select('key').where('key', '=', META_KEY).executeTakeFirst()) return { ...none, skipped: true };
  const now = options.now ?? new Date();
  const demo = generateDemoActivity(items, { transactions: options.transactions, seed: options.seed });
  await cliSource(deps, undefined); // (the cli-import source; the demo has its own below)
  const source = (await ingestRepo.findSourceByCode(deps.db, SOURCE)) ?? (await ingestRepo.insertSource(deps.db, { code: SOURCE, name: '清源省一体化政务服务平台（演示）', token_id: null }));
  if (!(await deps.db.selectFrom('ledger_entries').select('seq').where('record_type', '=', 'source').where('record_id', '=', String(source.id)).executeTakeFirst())) {
    const { recordLedger } = await import('../ingest/ledger.ts');
    await recordLedger(deps.db, [{ type: 'source', id: source.id, version: 1 }]);
  }

  for (const [kind, rows] of [['transactions', demo.transactions], ['hotline', demo.hotline]] as const) {
    onStep?.(`${kind} ${rows.length}`);
    const spec = EVIDENCE_SPECS[kind];
    const job = await ingestRepo.insertJob(deps.db, { kind, source_id: source.id, mode: 'insert', via: 'cli', file_name: `demo-${kind}`, file_sha256: null, created_by: null, token_id: null });
    const done = await runIngest({ ...deps, writers: 1 }, spec, job, recordsOf(rows), { scope: { kind: 'all' }, source });
    if (done.rejected) throw new Error(`demo ${kind}: ${done.rejected} rows refused`);
  }

  // Ratings a week at a time, each week's "now" its last rating, so rectifications open as they came in.
  const rated = demo.ratings.filter((r) => Date.parse(r.ratedAt) <= now.getTime()).sort((a, b) => a.ratedAt.localeCompare(b.ratedAt));
  onStep?.(`ratings ${rated.length}`);
  const paths = new Map<string, DemoRating>();
  for (let i = 0; i < rated.length; ) {
    const weekEnd = Date.parse(rated[i]!.ratedAt) + 7 * DAY;
    let j = i;
    while (j < rated.length && Date.parse(rated[j]!.ratedAt) < weekEnd) j++;
    const week = rated.slice(i, j);
    const result = await ingestRatings(deps, week, { now: new Date(Date.parse(week[week.length - 1]!.ratedAt)) });
    if (result.rejected) throw new Error(`demo ratings: ${result.rejected} refused, e.g. ${JSON.stringify(result.outcomes.find((o) => o.status === 'rejected'))}`);
    for (const r of week) if (r.path) paths.set(r.transactionCode, r);
    i = j;
  }

  // Each 差评's rectification along its path, a working day or two between steps.
  const opened = await deps.db.selectFrom('rectifications as r').innerJoin('ratings as g', 'g.id', 'r.rating_id').innerJoin('service_transactions as t', 't.id', 'g.transaction_id')
    .select(['r.id', 'r.opened_at', 't.transaction_code', 'r.version']).where('t.transaction_code', 'like', 'DMT%').orderBy('r.id').execute();
  onStep?.(`rectifications ${opened.length}`);
  for (const rect of opened) {
    const r = paths.get(rect.transaction_code);
    if (!r?.path || Number(rect.version) > 1) continue; // (already walked by an earlier, interrupted load)
    let at = rect.opened_at.getTime();
    for (const [action, body, who] of stepsOf(r.path, Boolean(r.realName))) {
      at = Math.min(at + (1 + (Number(rect.id) % 3)) * DAY, now.getTime() - 60_000);
      await act(deps, who === 'unit' ? UNIT : INSPECTOR, Number(rect.id), action, body, new Date(at));
    }
  }
  await deps.db.insertInto('meta').values({ key: META_KEY, value: JSON.stringify({ transactions: options.transactions, seed: options.seed ?? null, worseUnits: demo.worseUnits }) }).execute();
  return { transactions: demo.transactions.length, ratings: rated.length, hotline: demo.hotline.length, rectifications: opened.length, skipped: false };
}

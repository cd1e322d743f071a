// The default framework of the demo province (清源省政务人员诚信与作风考核指标体系), from the seeds:
// 000 — 20 indicators, 100 points, 优秀/良好/合格/警示 bands and "below 80 not promotable"; 004 — the
// basic 60 + bonus 20 + deduction 20 structure, variants per unit category, dimension floors
// (political ≥ 30% → 忠诚履职 ≥ 30%, people's evaluation ≥ 25% → 服务为民 ≥ 25%), one-vote veto and the
// fault-tolerance list. 12 basic indicators + 1 bonus + 6 deductions + 1 veto = 20. See docs/scoring.md.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { recordDigest } from '../../ledger/canonical.ts';
import { recordToLedger } from '../../ledger/record-types.ts';
import { SCORING_LEDGER_TYPES } from './ledger-types.ts';
import { DEFAULT_BANDS, type Dimension, type EventItem, type FrameworkDef, type RubricLevel, type Variant, type Veto } from './model.ts';

const RUBRIC: RubricLevel[] = [
  { level: 'A', nameZh: '好', nameEn: 'Good', fraction: 1 },
  { level: 'B', nameZh: '较好', nameEn: 'Fairly good', fraction: 0.85 },
  { level: 'C', nameZh: '一般', nameEn: 'Average', fraction: 0.7 },
  { level: 'D', nameZh: '较差', nameEn: 'Poor', fraction: 0.4 },
];

function dimensions(w: { loyalty: number; fairness: number; integrity: number; service: number }): Dimension[] {
  return [
    {
      code: 'loyalty', nameZh: '忠诚履职', nameEn: 'Loyal performance of duty', weight: w.loyalty,
      indicators: [
        { kind: 'qualitative', code: 'political_conduct', nameZh: '政治表现', nameEn: 'Political conduct', weight: 30, rubric: RUBRIC },
        { kind: 'quantitative', code: 'on_time', nameZh: '按时办结率', nameEn: 'On-time completion rate', weight: 30, metric: 'on_time_completion_rate', curve: { type: 'linear', worst: 0.8, best: 1 } },
        { kind: 'quantitative', code: 'processing_time', nameZh: '办理时效（实际/承诺时限）', nameEn: 'Processing days against promised', weight: 25, metric: 'avg_processing_days_ratio', curve: { type: 'target', direction: 'lower', target: 1 } },
        { kind: 'quantitative', code: 'training', nameZh: '诚信培训学时占比', nameEn: 'Integrity training share of hours', weight: 15, metric: 'training_hours_share', curve: { type: 'target', direction: 'higher', target: 0.1 } },
      ],
    },
    {
      code: 'fairness', nameZh: '公正用权', nameEn: 'Fair use of power', weight: w.fairness,
      indicators: [
        { kind: 'quantitative', code: 'substantiated', nameZh: '查实投诉件数', nameEn: 'Substantiated complaints', weight: 40, metric: 'substantiated_complaints', curve: { type: 'steps', direction: 'lower', steps: [{ threshold: 0, fraction: 1 }, { threshold: 1, fraction: 0.6 }, { threshold: 2, fraction: 0.3 }] } },
        { kind: 'quantitative', code: 'repeat_complaints', nameZh: '重复投诉率', nameEn: 'Repeat-complaint rate', weight: 30, metric: 'repeat_complaint_rate', curve: { type: 'linear', worst: 0.3, best: 0 } },
        { kind: 'qualitative', code: 'lawful_power', nameZh: '依法用权评议', nameEn: 'Lawful use of power (review)', weight: 30, rubric: RUBRIC },
      ],
    },
    {
      code: 'integrity', nameZh: '廉洁奉公', nameEn: 'Integrity', weight: w.integrity,
      indicators: [
        { kind: 'qualitative', code: 'clean_conduct', nameZh: '廉洁自律评议', nameEn: 'Clean conduct (review)', weight: 50, rubric: RUBRIC },
        { kind: 'quantitative', code: 'rectified', nameZh: '差评整改率', nameEn: 'Bad ratings rectified', weight: 50, metric: 'bad_rating_rectified_rate', curve: { type: 'target', direction: 'higher', target: 1 } },
      ],
    },
    {
      code: 'service', nameZh: '服务为民', nameEn: 'Serving the people', weight: w.service,
      indicators: [
        // By rank within the category: fair whatever the scale of the index.
        { kind: 'quantitative', code: 'satisfaction', nameZh: '群众满意度', nameEn: 'Satisfaction', weight: 40, metric: 'satisfaction_index', curve: { type: 'rank', direction: 'higher' } },
        { kind: 'quantitative', code: 'bad_rate', nameZh: '差评率', nameEn: 'Bad-rating rate', weight: 30, metric: 'bad_rating_rate', curve: { type: 'rank', direction: 'lower' } },
        { kind: 'quantitative', code: 'hotline_resolution', nameZh: '12345热线解决率', nameEn: '12345 hotline resolution rate', weight: 30, metric: 'hotline_resolution_rate', curve: { type: 'target', direction: 'higher', target: 0.9 } },
      ],
    },
  ];
}

const ITEMS: EventItem[] = [
  { kind: 'bonus', code: 'training_done', nameZh: '完成诚信培训', nameEn: 'Integrity training completed', event: 'training_completed', pointsPer: 1, cap: 5 },
  // Complaints and reports (cases, 24-hour first response): staff and units alike; 12345 tickets are in the hotline indicator.
  { kind: 'deduction', code: 'complaint_late', nameZh: '群众投诉未及时回应', nameEn: 'Complaint not answered in time', event: 'complaint_late_response', pointsPer: 5, cap: 20, dimension: 'loyalty' },
  { kind: 'deduction', code: 'rectification_overdue', nameZh: '差评整改超期', nameEn: 'Rectification overdue', event: 'rectification_overdue', pointsPer: 2, cap: 10, dimension: 'service' },
  { kind: 'deduction', code: 'false_rectification', nameZh: '虚假整改', nameEn: 'False rectification', event: 'false_rectification', pointsPer: 5, cap: 20, dimension: 'integrity' },
  { kind: 'deduction', code: 'audit_minor', nameZh: '审计发现一般问题', nameEn: 'Minor audit finding', event: 'audit_finding_minor', pointsPer: 2, cap: 10, dimension: 'integrity' },
  { kind: 'deduction', code: 'audit_major', nameZh: '审计发现较大问题', nameEn: 'Major audit finding', event: 'audit_finding_major', pointsPer: 10, cap: 20, dimension: 'integrity' },
  { kind: 'deduction', code: 'proposal_overdue', nameZh: '建议提案超期办理', nameEn: 'Proposal handled late', event: 'proposal_overdue', pointsPer: 2, cap: 10, dimension: 'loyalty' },
];
const VETOES: Veto[] = [{ kind: 'veto', code: 'severe_conduct', nameZh: '发生重大作风问题', nameEn: 'Severe conduct problem', event: 'audit_finding_severe' }];

const variant = (category: Variant['category'], w: Parameters<typeof dimensions>[0]): Variant => ({ category, dimensions: dimensions(w), items: ITEMS, vetoes: VETOES });

export const DEFAULT_FRAMEWORK: FrameworkDef = {
  code: 'QY-INTEGRITY',
  nameZh: '清源省政务人员诚信与作风考核指标体系',
  nameEn: 'Qingyuan civil-servant integrity and work-style framework',
  structure: { basic: 60, bonusCap: 20, deductionCap: 20 },
  floors: { loyalty: 30, service: 25 },
  bands: DEFAULT_BANDS,
  quota: { band: 'excellent', share: 0.2 },
  promotionThreshold: 80,
  bottomShare: 0.1,
  insufficientFraction: 0.8,
  variants: [
    variant('window_service', { loyalty: 30, fairness: 15, integrity: 20, service: 35 }),
    variant('law_enforcement', { loyalty: 30, fairness: 30, integrity: 15, service: 25 }),
    variant('general_admin', { loyalty: 35, fairness: 20, integrity: 20, service: 25 }),
  ],
};

/** Inserts and publishes the default framework once (idempotent by its code). */
export async function seedDefaultFramework(db: Kysely<DB>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('score_frameworks').select('id').where('code', '=', DEFAULT_FRAMEWORK.code).executeTakeFirst();
    if (exists) return false;
    const now = new Date();
    const row = await trx.insertInto('score_frameworks').values({
      code: DEFAULT_FRAMEWORK.code, version_no: 1, status: 'published', name_zh: DEFAULT_FRAMEWORK.nameZh, name_en: DEFAULT_FRAMEWORK.nameEn,
      definition: JSON.stringify(DEFAULT_FRAMEWORK), digest: recordDigest(DEFAULT_FRAMEWORK), created_by: null, published_at: now, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    await recordToLedger(trx, SCORING_LEDGER_TYPES['score.framework'], [Number(row.id)]);
    return true;
  });
}

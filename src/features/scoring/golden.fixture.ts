// The golden dataset (used by golden.test.ts, where the expected numbers are worked out by hand):
// 7 people in 2 categories, every indicator kind, a veto by event and by metric, a temporary
// indicator, a 容错 exemption and a tie for one 优秀 place.
import type { EngineInput, EngineSubject } from './engine.ts';
import type { EvidenceEvent, MetricValue } from './inputs.ts';
import { DEFAULT_BANDS, type FrameworkDef } from './model.ts';
import { parsePeriod } from './period.ts';

const rubric = [
  { level: 'A', nameZh: '好', nameEn: 'good', fraction: 1 },
  { level: 'B', nameZh: '较好', nameEn: 'fair', fraction: 0.8 },
  { level: 'C', nameZh: '一般', nameEn: 'average', fraction: 0.6 },
];
const political = (weight: number) => ({
  code: 'political', nameZh: '政治建设', nameEn: 'Political conduct', weight,
  indicators: [{ kind: 'qualitative' as const, code: 'pol', nameZh: '政治表现', nameEn: 'Political record', weight: 100, rubric }],
});
const items = [
  { kind: 'bonus' as const, code: 'train', nameZh: '完成培训', nameEn: 'Training completed', event: 'training_completed', pointsPer: 2, cap: 4 },
  { kind: 'bonus' as const, code: 'commend', nameZh: '受到表彰', nameEn: 'Commended', event: 'commended', pointsPer: 10, cap: 20 },
  { kind: 'deduction' as const, code: 'hotline', nameZh: '群众投诉未及时回应', nameEn: 'Complaint not answered in time', event: 'hotline_overdue', pointsPer: 5, cap: 20, dimension: 'service' },
];

export const GOLDEN_FRAMEWORK: FrameworkDef = {
  code: 'GOLDEN', nameZh: '金标准测试指标体系', nameEn: 'Golden test framework',
  structure: { basic: 60, bonusCap: 20, deductionCap: 20 },
  floors: { political: 30 },
  bands: DEFAULT_BANDS,
  quota: { band: 'excellent', share: 0.5 },
  promotionThreshold: 80,
  bottomShare: 0.1,
  insufficientFraction: 0.6,
  variants: [
    {
      category: 'window_service',
      dimensions: [
        political(50), // 60 × 50% = 30 points
        {
          code: 'service', nameZh: '服务为民', nameEn: 'Serving the people', weight: 50, // 30 points
          indicators: [
            { kind: 'quantitative', code: 'ontime', nameZh: '按时办结率', nameEn: 'On-time completion', weight: 40, metric: 'on_time_completion_rate', curve: { type: 'linear', worst: 0.8, best: 1 } },
            { kind: 'quantitative', code: 'sat', nameZh: '满意度', nameEn: 'Satisfaction', weight: 20, metric: 'satisfaction_index', curve: { type: 'steps', direction: 'higher', steps: [{ threshold: 90, fraction: 1 }, { threshold: 80, fraction: 0.8 }, { threshold: 0, fraction: 0.5 }] } },
            { kind: 'quantitative', code: 'bad', nameZh: '差评率', nameEn: 'Bad-rating rate', weight: 20, metric: 'bad_rating_rate', curve: { type: 'rank', direction: 'lower' } },
            // Temporary (临时指标), first quarter only: in 2026Q3 it is inactive, so the other three share
            // the dimension's 30 points by 40:20:20 → 15, 7.5, 7.5.
            { kind: 'quantitative', code: 'emergency', nameZh: '应急响应', nameEn: 'Emergency response', weight: 20, metric: 'hotline_response_24h_rate', curve: { type: 'target', direction: 'higher', target: 0.95 }, validFrom: '2026-01-01', validTo: '2026-03-31' },
          ],
        },
      ],
      items: [...items, { kind: 'deduction', code: 'rect', nameZh: '整改超期', nameEn: 'Rectification overdue', event: 'rectification_overdue', pointsPer: 3, cap: 6 }],
      vetoes: [{ kind: 'veto', code: 'severe', nameZh: '重大作风问题', nameEn: 'Severe conduct problem', event: 'audit_finding_severe' }],
    },
    {
      category: 'law_enforcement',
      dimensions: [
        political(40), // 24 points
        {
          code: 'fair', nameZh: '公正用权', nameEn: 'Fair use of power', weight: 60, // 36 points
          indicators: [
            { kind: 'quantitative', code: 'complaints', nameZh: '千件投诉量', nameEn: 'Complaints per 1,000', weight: 50, metric: 'complaints_per_1000', curve: { type: 'target', direction: 'lower', target: 2 } }, // 18
            { kind: 'quantitative', code: 'resolve', nameZh: '12345解决率', nameEn: '12345 resolution', weight: 50, metric: 'hotline_resolution_rate', curve: { type: 'target', direction: 'higher', target: 0.9 }, insufficient: 'fixed' }, // 18
          ],
        },
      ],
      items,
      vetoes: [{ kind: 'veto', code: 'subst', nameZh: '查实投诉过多', nameEn: 'Too many substantiated complaints', metric: { code: 'substantiated_complaints', op: '>=', value: 3 } }],
    },
  ],
};

export const period = parsePeriod('2026Q3');
const at = new Date('2026-08-10T02:00:00Z');
const mv = (value: number, sample = 100): MetricValue => ({ value, numerator: null, denominator: null, sample, insufficient: false });
const thin = (sample: number): MetricValue => ({ value: null, numerator: null, denominator: null, sample, insufficient: true });
const ev = (type: string, subjectId: number, id: string, summary = `${type} ${id}`): EvidenceEvent => ({ type, subjectId, at, ref: { id, type: 'test' }, summary });

const staff = (id: number, code: string, category: EngineSubject['category'], unitId: number): EngineSubject => ({ kind: 'staff', id, code, category, level: 'base', unitId });
const W = 'window_service' as const;
const L = 'law_enforcement' as const;
export const subjects = [staff(1, 'S01', W, 10), staff(2, 'S02', W, 10), staff(3, 'S03', W, 10), staff(4, 'S04', W, 10), staff(5, 'S05', L, 20), staff(6, 'S06', L, 20), staff(7, 'S07', L, 20)];

export function goldenInput(over: Partial<EngineInput> = {}): EngineInput {
  const metrics = new Map<string, Record<string, MetricValue>>([
    ['staff:1', { on_time_completion_rate: mv(0.96), satisfaction_index: mv(92), bad_rating_rate: mv(0.01), hotline_response_24h_rate: mv(0.5) }],
    ['staff:2', { on_time_completion_rate: mv(0.9), satisfaction_index: mv(85), bad_rating_rate: mv(0.03) }],
    ['staff:3', { on_time_completion_rate: mv(1), satisfaction_index: mv(78), bad_rating_rate: mv(0.02) }],
    ['staff:4', { on_time_completion_rate: thin(3), satisfaction_index: mv(95), bad_rating_rate: thin(2) }],
    ['staff:5', { complaints_per_1000: mv(1.5), hotline_resolution_rate: mv(0.9, 50), substantiated_complaints: mv(0) }],
    ['staff:6', { complaints_per_1000: mv(2.25), hotline_resolution_rate: mv(0.95), substantiated_complaints: mv(1) }],
    ['staff:7', { complaints_per_1000: mv(4), hotline_resolution_rate: thin(4), substantiated_complaints: mv(3) }],
  ]);
  const events = new Map<string, EvidenceEvent[]>([
    ['staff:1', [ev('training_completed', 1, 'T1'), ev('training_completed', 1, 'T2'), ev('training_completed', 1, 'T3'), ev('commended', 1, 'C1'), ev('commended', 1, 'C2')]],
    ['staff:2', [ev('hotline_overdue', 2, 'H1'), ev('hotline_overdue', 2, 'H2', '12345工单H2超时'), ev('hotline_overdue', 2, 'H3'),
      // outside the period: never counted
      { ...ev('hotline_overdue', 2, 'H0'), at: new Date('2026-06-30T15:59:59Z') }]],
    ['staff:3', [ev('training_completed', 3, 'T4'), ev('rectification_overdue', 3, 'R1'), ev('rectification_overdue', 3, 'R2'), ev('rectification_overdue', 3, 'R3')]],
    ['staff:4', [ev('commended', 4, 'C3'), ev('audit_finding_severe', 4, 'A1', '审计发现重大问题A1')]],
    ['staff:5', [ev('commended', 5, 'C4'), ev('training_completed', 5, 'T5')]],
    ['staff:6', [ev('commended', 6, 'C5'), ev('training_completed', 6, 'T6'), ev('training_completed', 6, 'T7')]],
    ['staff:7', [1, 2, 3, 4, 5].map((i) => ev('hotline_overdue', 7, `H7${i}`))],
  ]);
  const a = (id: number, subjectId: number, assessor: string, level: string) => ({ id, kind: 'staff' as const, subjectId, indicator: 'pol', assessor, level });
  return {
    framework: GOLDEN_FRAMEWORK,
    period,
    subjects,
    metrics,
    events,
    assessments: [a(1, 1, 'x', 'A'), a(2, 1, 'y', 'A'), a(3, 2, 'x', 'B'), a(4, 3, 'x', 'A'), a(5, 3, 'y', 'C'), a(6, 5, 'x', 'A'), a(7, 6, 'x', 'A'), a(8, 7, 'x', 'C')],
    exemptions: [{ id: 1, kind: 'staff', subjectId: 2, eventRef: { type: 'test', id: 'H2' }, indicator: null, reason: '系统故障导致超时', approver: '纪检组长' }],
    ...over,
  };
}


// The metric library's catalogue: every metric and evidence-event type, with names in Chinese and
// English, the subjects it applies to, and (metrics) direction and minimum sample. Formulas: docs/metrics.md.

export type SubjectKind = 'staff' | 'unit';
export const SUBJECT_KINDS: readonly SubjectKind[] = ['staff', 'unit'];

export interface MetricDef {
  code: string;
  nameZh: string;
  nameEn: string;
  subjects: SubjectKind[];
  higherIsBetter: boolean;
  /** Below this many items in the sample the value is null and insufficient is true. */
  minSample: number;
  unit: string;
}

const both: SubjectKind[] = ['staff', 'unit'];
const unitOnly: SubjectKind[] = ['unit'];

function def(code: string, nameZh: string, nameEn: string, subjects: SubjectKind[], higherIsBetter: boolean, minSample: number, unit: string): MetricDef {
  return { code, nameZh, nameEn, subjects, higherIsBetter, minSample, unit };
}

export const METRICS: Record<string, MetricDef> = Object.fromEntries([
  def('on_time_completion_rate', '按时办结率', 'On-time completion rate', both, true, 10, 'ratio'),
  def('avg_processing_days_ratio', '平均办理时长与承诺时限之比', 'Processing working days against promised', both, false, 10, 'ratio'),
  def('satisfaction_index', '满意度指数', 'Satisfaction index', both, true, 10, 'points (0–100)'),
  def('bad_rating_rate', '差评率', 'Bad-rating rate', both, false, 10, 'ratio'),
  def('bad_rating_rectified_rate', '差评整改率', 'Bad ratings rectified', both, true, 1, 'ratio'),
  def('complaints_per_1000', '每千件办件投诉数', 'Complaints per 1,000 transactions', both, false, 100, 'per 1,000'),
  def('substantiated_complaints', '查实投诉数', 'Substantiated complaints', both, false, 0, 'count'),
  def('repeat_complaint_rate', '重复投诉率', 'Repeat-complaint rate', both, false, 5, 'ratio'),
  def('hotline_response_24h_rate', '12345工单24小时响应率', 'Hotline tickets answered within 24 h', unitOnly, true, 10, 'ratio'),
  def('hotline_resolution_rate', '12345工单办结率', 'Hotline resolution rate', unitOnly, true, 10, 'ratio'),
  def('training_hours_share', '培训学时完成率', 'Training hours against the requirement', both, true, 1, 'ratio'),
  def('proposals_on_time_rate', '建议提案按期办复率', 'Proposals answered on time', unitOnly, true, 1, 'ratio'),
].map((d) => [d.code, d]));

export interface EventTypeDef {
  type: string;
  nameZh: string;
  nameEn: string;
  subjects: SubjectKind[];
}

const ev = (type: string, nameZh: string, nameEn: string, subjects: SubjectKind[]): EventTypeDef => ({ type, nameZh, nameEn, subjects });

export const EVENT_TYPES: Record<string, EventTypeDef> = Object.fromEntries([
  ev('bad_rating', '差评', 'Bad rating (level 1–2)', both),
  ev('rectification_overdue', '差评整改逾期', 'Rectification overdue', both),
  ev('false_rectification', '虚假整改', 'False rectification', both),
  ev('audit_finding_minor', '审计发现问题（一般）', 'Audit finding (minor)', both),
  ev('audit_finding_major', '审计发现问题（较重）', 'Audit finding (major)', both),
  ev('audit_finding_severe', '审计发现问题（严重）', 'Audit finding (severe)', both),
  ev('hotline_overdue', '12345工单超24小时未响应', 'Hotline ticket not answered within 24 h', unitOnly),
  ev('proposal_overdue', '建议提案逾期办复', 'Proposal answered late or not at all', unitOnly),
  ev('training_completed', '完成培训', 'Training completed', both),
  ev('complaint_late_response', '群众投诉未及时回应', 'Complaint not answered in time', both),
  ev('complaint_substantiated', '群众投诉查实', 'Complaint substantiated', both),
].map((d) => [d.type, d]));

export const METRIC_CODES = Object.keys(METRICS);
export const EVENT_TYPE_CODES = Object.keys(EVENT_TYPES);

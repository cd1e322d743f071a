import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAMEWORK } from './default-framework.ts';
import { validateFramework } from './validate.ts';

// The metric codes and event types the metric library provides (the fixed interface).
const METRICS = ['on_time_completion_rate', 'avg_processing_days_ratio', 'satisfaction_index', 'bad_rating_rate', 'bad_rating_rectified_rate', 'complaints_per_1000', 'substantiated_complaints', 'repeat_complaint_rate', 'hotline_response_24h_rate', 'hotline_resolution_rate', 'training_hours_share', 'proposals_on_time_rate'];
const EVENTS = ['bad_rating', 'rectification_overdue', 'false_rectification', 'audit_finding_minor', 'audit_finding_major', 'audit_finding_severe', 'hotline_overdue', 'proposal_overdue', 'training_completed', 'complaint_late_response', 'complaint_substantiated'];

describe('the default framework of the demo province', () => {
  it('is valid against the metric library', () => {
    expect(validateFramework(DEFAULT_FRAMEWORK, { metrics: METRICS, events: EVENTS })).toEqual([]);
  });

  it('has 20 indicators in every category (seed 000) on 60 + 20 + 20 (seed 004) and the four integrity dimensions', () => {
    for (const v of DEFAULT_FRAMEWORK.variants) {
      const count = v.dimensions.reduce((a, d) => a + d.indicators.length, 0) + v.items.length + v.vetoes.length;
      expect(count, v.category).toBe(20);
      expect(v.dimensions.map((d) => d.nameZh)).toEqual(['忠诚履职', '公正用权', '廉洁奉公', '服务为民']);
    }
    expect(DEFAULT_FRAMEWORK.structure).toEqual({ basic: 60, bonusCap: 20, deductionCap: 20 });
    expect(DEFAULT_FRAMEWORK.variants.map((v) => v.category).sort()).toEqual(['general_admin', 'law_enforcement', 'window_service']);
  });
});

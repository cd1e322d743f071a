// The pure scoring engine alone (no database): N synthetic staff (default 100,000) in three
// categories and 10,000 units, 9 metrics each (1 in 13 insufficient), a quarter with two events,
// scored with the default framework. Prints the time, and the load average (the figure is noisy on
// a shared machine). Run: node bin/run-ts.mjs bench/scoring-engine/run.ts  (N=20000 for fewer)
import { scoreSubjects } from '../../src/features/scoring/engine.ts';
import { DEFAULT_FRAMEWORK } from '../../src/features/scoring/default-framework.ts';
import { parsePeriod } from '../../src/features/scoring/period.ts';
const N = Number(process.env.N ?? 100_000);
const cats = ['window_service', 'law_enforcement', 'general_admin'] as const;
const subjects = Array.from({ length: N }, (_, i) => ({ kind: 'staff' as const, id: i + 1, code: `S${String(i + 1).padStart(7, '0')}`, category: cats[i % 3]!, level: (i % 10 ? 'base' : 'leader') as 'base' | 'leader', unitId: 1 + (i % 10000) }));
const codes = ['on_time_completion_rate','avg_processing_days_ratio','satisfaction_index','bad_rating_rate','bad_rating_rectified_rate','substantiated_complaints','repeat_complaint_rate','hotline_resolution_rate','training_hours_share'];
const metrics = new Map(subjects.map((s) => [`staff:${s.id}`, Object.fromEntries(codes.map((c, j) => [c, { value: ((s.id * 7919 + j * 104729) % 1000) / 1000, numerator: null, denominator: null, sample: 20, insufficient: (s.id + j) % 13 === 0 }]))]));
const at = new Date('2026-08-01T00:00:00Z');
const events = new Map(subjects.filter((s) => s.id % 4 === 0).map((s) => [`staff:${s.id}`, [{ type: 'hotline_overdue', subjectId: s.id, at, ref: { type: 'hotline_ticket', id: String(s.id) }, summary: 'x' }, { type: 'training_completed', subjectId: s.id, at, ref: { type: 'training', id: String(s.id) }, summary: 'y' }]]));
const t0 = performance.now();
const r = scoreSubjects({ framework: DEFAULT_FRAMEWORK, period: parsePeriod('2026Q3'), subjects, metrics, events, assessments: [], exemptions: [] });
const t1 = performance.now();
console.log(`engine: ${N} staff in ${((t1 - t0) / 1000).toFixed(2)} s; results ${r.results.length}; load ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);

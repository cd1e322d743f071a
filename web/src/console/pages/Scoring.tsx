// 考核评估: the scoring section of the console, its own routes under /scoring (each page its own chunk):
// runs and their results, a subject's breakdown down to the evidence, indicator frameworks and their
// editor, the fault-tolerance list (容错清单) and assessors' scores.
import { Spin, Tabs } from 'antd';
import { lazy, Suspense } from 'react';
import { Route, Routes, useLocation, useNavigate } from 'react-router';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';
import { useMe } from '../session.ts';
import { may } from '../scoring/model.ts';

const ScoringRuns = lazy(() => import('./ScoringRuns.tsx'));
const ScoringResults = lazy(() => import('./ScoringResults.tsx'));
const ScoringSubject = lazy(() => import('./ScoringSubject.tsx'));
const Frameworks = lazy(() => import('./Frameworks.tsx'));
const FrameworkEditor = lazy(() => import('./FrameworkEditor.tsx'));
const Exemptions = lazy(() => import('./Exemptions.tsx'));
const Assessments = lazy(() => import('./Assessments.tsx'));
const NotFound = lazy(() => import('./NotFound.tsx'));

const TABS: { key: string; label: MessageKey; show: (me: ReturnType<typeof useMe>['data']) => boolean }[] = [
  { key: '/scoring', label: 'scoring.tab.runs', show: may.readScores },
  { key: '/scoring/frameworks', label: 'scoring.tab.frameworks', show: (me) => Boolean(me) },
  { key: '/scoring/exemptions', label: 'scoring.tab.exemptions', show: may.readScores },
  { key: '/scoring/assessments', label: 'scoring.tab.assessments', show: may.assess },
];

export default function Scoring() {
  const t = useT();
  const me = useMe().data;
  const location = useLocation();
  const navigate = useNavigate();
  const path = location.pathname.replace(/\/$/, '');
  const active = [...TABS].reverse().find((x) => path === x.key || path.startsWith(`${x.key}/`))?.key ?? '/scoring';
  const tabs = TABS.filter((x) => x.show(me));
  return (
    <>
      <Tabs activeKey={active} onChange={(k) => navigate(k)} items={tabs.map((x) => ({ key: x.key, label: t(x.label) }))} style={{ marginBottom: 8 }} />
      <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
        <Routes>
          <Route index element={may.readScores(me) ? <ScoringRuns /> : <Frameworks />} />
          <Route path="runs/:id" element={<ScoringResults />} />
          <Route path="runs/:id/:kind/:code" element={<ScoringSubject />} />
          <Route path="frameworks" element={<Frameworks />} />
          <Route path="frameworks/:id" element={<FrameworkEditor />} />
          <Route path="exemptions" element={<Exemptions />} />
          <Route path="assessments" element={<Assessments />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </>
  );
}

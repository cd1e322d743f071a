// The console (/admin): sign-in, then a layout whose menu opens each capability's pages. Every page is
// its own chunk (route-level code splitting).
import { Button, Layout, Menu, Result, Space, Spin, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { api, friendlyError } from '../shared/api.ts';
import { useT, type MessageKey } from '../shared/i18n/index.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { Providers } from '../shared/providers.tsx';
import { canSee, useMe, type Section } from './session.ts';

const Login = lazy(() => import('./pages/Login.tsx'));
const Dashboard = lazy(() => import('./pages/Dashboard.tsx'));
const Regions = lazy(() => import('./pages/Regions.tsx'));
const Units = lazy(() => import('./pages/Units.tsx'));
const ServiceItems = lazy(() => import('./pages/ServiceItems.tsx'));
const Staff = lazy(() => import('./pages/Staff.tsx'));
const StaffDetail = lazy(() => import('./pages/StaffDetail.tsx'));
const Imports = lazy(() => import('./pages/Imports.tsx'));
const Rectifications = lazy(() => import('./pages/Rectifications.tsx'));
const RectificationDetail = lazy(() => import('./pages/RectificationDetail.tsx'));
const Calendar = lazy(() => import('./pages/Calendar.tsx'));
const Deadlines = lazy(() => import('./pages/Deadlines.tsx'));
const Ledger = lazy(() => import('./pages/Ledger.tsx'));
const AccessLog = lazy(() => import('./pages/AccessLog.tsx'));
const Scoring = lazy(() => import('./pages/Scoring.tsx'));
const Cases = lazy(() => import('./pages/Cases.tsx'));
const CaseDetail = lazy(() => import('./pages/CaseDetail.tsx'));
const NotFound = lazy(() => import('./pages/NotFound.tsx'));

export const NAV: { section: Section; path: string; label: MessageKey }[] = [
  { section: 'dashboard', path: '/', label: 'nav.dashboard' },
  { section: 'regions', path: '/regions', label: 'nav.regions' },
  { section: 'units', path: '/units', label: 'nav.units' },
  { section: 'serviceItems', path: '/service-items', label: 'nav.serviceItems' },
  { section: 'staff', path: '/staff', label: 'nav.staff' },
  { section: 'imports', path: '/imports', label: 'nav.imports' },
  { section: 'rectifications', path: '/rectifications', label: 'nav.rectifications' },
  { section: 'cases', path: '/cases', label: 'nav.cases' },
  { section: 'scoring', path: '/scoring', label: 'nav.scoring' },
  { section: 'calendar', path: '/calendar', label: 'nav.calendar' },
  { section: 'deadlines', path: '/deadlines', label: 'nav.deadlines' },
  { section: 'ledger', path: '/ledger', label: 'nav.ledger' },
  { section: 'accessLog', path: '/access-log', label: 'nav.accessLog' },
];

function Guard({ section, children }: { section: Section; children: ReactNode }) {
  const t = useT();
  const me = useMe().data;
  if (!canSee(me, section)) return <Result status="403" title={t('common.forbiddenTitle')} subTitle={t('error.forbidden')} />;
  return <>{children}</>;
}

function Shell() {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  if (me.isPending) return <Spin aria-label={t('common.loading')} style={{ margin: 64 }} />;
  if (me.isError) return <Result status="error" title={friendlyError(t, me.error)} />;
  if (!me.data) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  const user = me.data;
  const selected = NAV.filter((n) => (n.path === '/' ? location.pathname === '/' : location.pathname.startsWith(n.path))).map((n) => n.path);
  const logout = async () => {
    await api.post('/api/auth/logout').catch(() => undefined);
    qc.clear();
    navigate('/login', { replace: true });
  };
  const page = (section: Section, el: ReactNode) => <Guard section={section}>{el}</Guard>;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} width={200} theme="light">
        <div style={{ padding: 16, fontWeight: 700, color: '#b71c1c' }}>{t('console.brand')}</div>
        <nav aria-label={t('console.navigation')}>
          <Menu
            mode="inline"
            selectedKeys={selected}
            items={NAV.filter((n) => canSee(user, n.section)).map((n) => ({ key: n.path, label: t(n.label), onClick: () => navigate(n.path) }))}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', padding: '0 16px' }}>
          <Space>
            <Typography.Text data-testid="whoami">{user.name} · {t(`role.${user.role}` as MessageKey)}</Typography.Text>
            <LangSwitch />
            <Button size="small" onClick={logout}>{t('console.logout')}</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16 }}>
              <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
              <Routes>
                <Route path="/" element={page('dashboard', <Dashboard />)} />
                <Route path="/regions" element={page('regions', <Regions />)} />
                <Route path="/units" element={page('units', <Units />)} />
                <Route path="/service-items" element={page('serviceItems', <ServiceItems />)} />
                <Route path="/staff" element={page('staff', <Staff />)} />
                <Route path="/staff/:code" element={page('staff', <StaffDetail />)} />
                <Route path="/imports" element={page('imports', <Imports />)} />
                <Route path="/rectifications" element={page('rectifications', <Rectifications />)} />
                <Route path="/rectifications/:id" element={page('rectifications', <RectificationDetail />)} />
                <Route path="/cases/*" element={page('cases', <Routes><Route index element={<Cases />} /><Route path=":id" element={<CaseDetail />} /><Route path="*" element={<NotFound />} /></Routes>)} />
                <Route path="/scoring/*" element={page('scoring', <Scoring />)} />
                <Route path="/calendar" element={page('calendar', <Calendar />)} />
                <Route path="/deadlines" element={page('deadlines', <Deadlines />)} />
                <Route path="/ledger" element={page('ledger', <Ledger />)} />
                <Route path="/access-log" element={page('accessLog', <AccessLog />)} />
                <Route path="*" element={<NotFound />} />
              </Routes>
            </Suspense>
          </Layout.Content>
      </Layout>
    </Layout>
  );
}

export function ConsoleApp() {
  return (
    <Providers>
      <BrowserRouter basename="/admin">
        <Suspense fallback={<Spin />}>
          <Routes>
            <Route path="/login" element={<Login />} />
            <Route path="/*" element={<Shell />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    </Providers>
  );
}

// The public portal (mobile first): rate a service by transaction code, report misconduct with
// photos, track a case by its receipt code, and read the published results (公示).
import { Layout, Spin, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { useT } from '../shared/i18n/index.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { Providers } from '../shared/providers.tsx';

const Home = lazy(() => import('./pages/Home.tsx'));
const Rate = lazy(() => import('./pages/Rate.tsx'));
const Report = lazy(() => import('./pages/Report.tsx'));
const Track = lazy(() => import('./pages/Track.tsx'));
const Disclosures = lazy(() => import('./pages/Disclosures.tsx'));
const NotFound = lazy(() => import('./pages/NotFound.tsx'));

function Shell() {
  const t = useT();
  return (
    <Layout style={{ minHeight: '100vh', background: '#f5f5f5' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', padding: '0 16px', background: '#b71c1c' }}>
        <Link to="/" style={{ color: '#fff', fontWeight: 600, fontSize: 16 }}>
          {t('portal.title')}
        </Link>
        <LangSwitch />
      </Layout.Header>
      <Layout.Content style={{ padding: 16, maxWidth: 640, width: '100%', margin: '0 auto' }}>
          <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
            <Routes>
              <Route path="/" element={<Home />} />
              <Route path="/rate" element={<Rate />} />
              <Route path="/report" element={<Report />} />
              <Route path="/track" element={<Track />} />
              <Route path="/disclosures" element={<Disclosures />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center' }}>
        <Typography.Text type="secondary">{t('portal.footer')}</Typography.Text>
      </Layout.Footer>
    </Layout>
  );
}

export function PortalApp() {
  return (
    <Providers>
      <BrowserRouter>
        <Shell />
      </BrowserRouter>
    </Providers>
  );
}

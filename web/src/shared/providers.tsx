// What both apps wrap themselves in: the i18n layer, antd's locale and theme, TanStack Query.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCNLocale from 'antd/locale/zh_CN';
import { useState, useSyncExternalStore, type ReactNode } from 'react';
import { ApiError } from './api.ts';
import { I18nProvider, useI18n } from './i18n/index.tsx';

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';
const onMotionSetting = (changed: () => void) => {
  const query = window.matchMedia(REDUCED_MOTION);
  query.addEventListener('change', changed);
  return () => query.removeEventListener('change', changed);
};
const reducedMotion = () => window.matchMedia(REDUCED_MOTION).matches;

/** Whether the system asks for less motion; followed live, as the setting can change while a page is open. */
const useReducedMotion = () => useSyncExternalStore(onMotionSetting, reducedMotion);

function Antd({ children }: { children: ReactNode }) {
  const { locale } = useI18n();
  // antd animates dialogs, menus and messages; someone who asked their system for less motion gets none.
  const motion = !useReducedMotion();
  return (
    <ConfigProvider locale={locale === 'en' ? enUS : zhCNLocale} theme={{ token: { colorPrimary: '#b71c1c', borderRadius: 6, motion } }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 10_000,
            refetchOnWindowFocus: false,
            // A refusal will not change on retry; a network blip might.
            retry: (n, e) => !(e instanceof ApiError && e.status > 0) && n < 2,
          },
        },
      }),
  );
  return (
    <I18nProvider>
      <QueryClientProvider client={client}>
        <Antd>{children}</Antd>
      </QueryClientProvider>
    </I18nProvider>
  );
}

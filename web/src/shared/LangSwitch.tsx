// The language switch (中文 / English), a labelled select usable from the keyboard.
import { Select } from 'antd';
import { useI18n } from './i18n/index.tsx';

export function LangSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Select
      aria-label={t('common.language')}
      data-testid="lang-switch"
      size="small"
      value={locale}
      onChange={setLocale}
      style={{ width: 110 }}
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}

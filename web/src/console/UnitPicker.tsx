// A unit chosen by searching every unit's code and name (the public unit search): transfers and
// entered cases may name a unit outside the caller's scope, which the server then judges.
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { api, type Page } from '../shared/api.ts';
import { useI18n } from '../shared/i18n/index.tsx';

export function UnitPicker(props: { value?: string; onChange?: (v: string) => void; 'aria-label': string }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const units = useQuery({
    queryKey: ['public-units', q],
    queryFn: () => api.get<Page<{ code: string; name: string }>>('/api/public/units', { q, pageSize: 20 }),
    enabled: q.length > 0,
  });
  return (
    <Select showSearch allowClear filterOption={false} onSearch={(v) => setQ(v.trim())} placeholder={t('cases.form.searchUnit')}
      options={(units.data?.items ?? []).map((u) => ({ value: u.code, label: `${u.name}（${u.code}）` }))} {...props} />
  );
}

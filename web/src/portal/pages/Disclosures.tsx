// 公示: the published scoring results the public may see — units only (a person's score is personal
// data and is never public), from GET /api/public/disclosures: total, band and rank within the unit
// category, for the latest published run or an earlier one. Mobile first: a list, not a wide table.
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, Input, List, Pagination, Select, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, friendlyError } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n, type MessageKey } from '../../shared/i18n/index.tsx';

interface DisclosureRun { id: number; period: string; publishedAt: string; framework: { code: string; versionNo: number; nameZh: string; nameEn: string } }
interface Row { unitCode: string; unitName: string; category: string; total: number; band: { code: string; nameZh: string; nameEn: string }; rank: number; categorySize: number }
interface Disclosures { runs: DisclosureRun[]; run: DisclosureRun | null; items: Row[]; page: number; pageSize: number; total: number }

const CATEGORIES: { value: string; key: MessageKey }[] = [
  { value: 'window_service', key: 'category.window_service' },
  { value: 'law_enforcement', key: 'category.law_enforcement' },
  { value: 'general_admin', key: 'category.general_admin' },
];
const BAND_COLOURS: Record<string, string> = { excellent: 'green', good: 'blue', pass: 'gold', fail: 'red', warning: 'volcano' };

export default function Disclosures() {
  const { t, locale } = useI18n();
  const [runId, setRunId] = useState<number | undefined>();
  const [category, setCategory] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: ['disclosures', runId, category, q, page],
    queryFn: () => api.get<Disclosures>('/api/public/disclosures', { runId, category, q: q || undefined, page, pageSize: 20 }),
    placeholderData: (p) => p,
  });
  const d = query.data;
  const name = (zh: string, en: string) => (locale === 'en' ? en : zh);
  const catName = (c: string) => t(CATEGORIES.find((x) => x.value === c)?.key ?? 'category.general_admin');
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('scoring.pub.title')}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('scoring.pub.intro')}</Typography.Paragraph>
      {query.isError && <Alert type="error" role="alert" showIcon title={friendlyError(t, query.error)} />}
      {query.isPending && <Spin aria-label={t('common.loading')} />}
      {d && !d.run && <Empty description={t('scoring.pub.none')} data-testid="disclosures-empty" />}
      {d?.run && (
        <>
          <Card size="small">
            <Space direction="vertical" style={{ width: '100%' }}>
              <Select aria-label={t('scoring.pub.run')} style={{ width: '100%' }} value={d.run.id}
                onChange={(v) => { setRunId(v); setPage(1); }}
                options={d.runs.map((r) => ({ value: r.id, label: `${r.period} · ${name(r.framework.nameZh, r.framework.nameEn)}` }))} />
              <Typography.Text type="secondary">{t('scoring.pub.publishedAt', { at: formatDateTime(d.run.publishedAt, locale) })}</Typography.Text>
              <Select aria-label={t('field.category')} allowClear placeholder={t('scoring.allCategories')} style={{ width: '100%' }} value={category}
                onChange={(v) => { setCategory(v); setPage(1); }} options={CATEGORIES.map((c) => ({ value: c.value, label: t(c.key) }))} />
              <Input.Search aria-label={t('scoring.pub.search')} placeholder={t('scoring.pub.search')} allowClear onSearch={(v) => { setQ(v.trim()); setPage(1); }} />
            </Space>
          </Card>
          <List
            data-testid="disclosures"
            bordered
            style={{ background: '#fff' }}
            dataSource={d.items}
            locale={{ emptyText: t('scoring.pub.noMatch') }}
            renderItem={(r) => (
              <List.Item extra={<Space direction="vertical" align="end" size={0}><Typography.Text strong style={{ fontSize: 18 }}>{r.total.toFixed(2)}</Typography.Text><Tag color={BAND_COLOURS[r.band.code] ?? 'default'}>{name(r.band.nameZh, r.band.nameEn)}</Tag></Space>}>
                <List.Item.Meta
                  title={r.unitName}
                  description={t('scoring.pub.rank', { category: catName(r.category), rank: r.rank, n: r.categorySize })} />
              </List.Item>
            )}
          />
          {d.total > d.pageSize && <Pagination simple current={page} pageSize={d.pageSize} total={d.total} onChange={setPage} style={{ textAlign: 'center' }} />}
          <Typography.Paragraph type="secondary">{t('scoring.pub.note')}</Typography.Paragraph>
        </>
      )}
    </Space>
  );
}

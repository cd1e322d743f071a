// Indicator framework versions (指标体系): every version with its status; organizers import a new one
// from a JSON file (docs/scoring.md) and open a version in the editor.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Space, Tag, Upload, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, friendlyError } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { PagedTable, PageTitle } from '../paged.tsx';
import { may, pick, type Framework } from '../scoring/model.ts';
import { useMe } from '../session.ts';

function ImportFramework() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [local, setLocal] = useState<string | null>(null);
  const imp = useMutation({
    mutationFn: (definition: unknown) => api.post<Framework>('/api/scoring/frameworks', { definition }),
    onSuccess: (f) => { void qc.invalidateQueries({ queryKey: ['/api/scoring/frameworks'] }); navigate(`/scoring/frameworks/${f.id}`); },
  });
  const read = async (file: File) => {
    setLocal(null);
    try {
      imp.mutate(JSON.parse(await file.text()));
    } catch (e) {
      setLocal((e as Error).message);
    }
    return false;
  };
  const problems = imp.error instanceof ApiError ? imp.error.problem.errors ?? [] : [];
  return (
    <Card size="small" title={t('scoring.fw.importTitle')} style={{ marginBottom: 16 }}>
      <Upload accept=".json,application/json" showUploadList={false} beforeUpload={read}>
        <Button loading={imp.isPending}>{t('scoring.fw.importButton')}</Button>
      </Upload>
      {local && <Alert style={{ marginTop: 12 }} type="error" role="alert" showIcon title={t('scoring.fw.jsonError')} description={local} />}
      {imp.isError && (
        <Alert style={{ marginTop: 12 }} type="error" role="alert" showIcon title={friendlyError(t, imp.error)}
          description={problems.length ? <ul style={{ margin: 0, paddingLeft: 16 }}>{problems.map((p) => <li key={`${p.path}:${p.message}`}><code>{p.path}</code> {p.message}</li>)}</ul> : undefined} />
      )}
    </Card>
  );
}

export default function Frameworks() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const columns: TableColumnsType<Framework> = [
    { title: t('scoring.fw.code'), dataIndex: 'code' },
    { title: t('field.name'), key: 'n', render: (_, f) => <Link to={`/scoring/frameworks/${f.id}`} data-testid="framework-link">{pick(locale, f.nameZh, f.nameEn)}</Link> },
    { title: t('scoring.fw.version'), dataIndex: 'versionNo', render: (v: number) => `v${v}` },
    { title: t('field.status'), dataIndex: 'status', render: (s: string) => (s === 'published' ? <Tag color="green">{t('scoring.status.published')}</Tag> : <Tag color="orange">{t('scoring.status.draft')}</Tag>) },
    { title: t('scoring.publishedAt'), dataIndex: 'publishedAt', render: (v: string | null) => formatDateTime(v, locale) },
    { title: t('field.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v, locale) },
    { title: t('common.actions'), key: 'a', render: (_, f) => <Space><Link to={`/scoring/frameworks/${f.id}`}>{f.status === 'draft' && may.editFramework(me) ? t('scoring.fw.edit') : t('scoring.fw.view')}</Link></Space> },
  ];
  return (
    <>
      <PageTitle>{t('scoring.fw.title')}</PageTitle>
      {may.editFramework(me) && <ImportFramework />}
      <PagedTable<Framework> url="/api/scoring/frameworks" rowKey="id" columns={columns} search={false} testId="frameworks-table" />
    </>
  );
}

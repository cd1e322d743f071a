// The import wizard: choose what to import, upload a CSV/XLSX file, watch the job's progress, then read
// every refused row by row and field. Good rows are kept; importing the same file again is idempotent.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Progress, Radio, Space, Steps, Table, Tag, Upload } from 'antd';
import { useState } from 'react';
import { api, friendlyError, type Page } from '../../shared/api.ts';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { PageTitle } from '../paged.tsx';

interface Job {
  id: number; kind: string; fileName: string; status: string; totalRows: number | null; processedRows: number;
  inserted: number; updated: number; unchanged: number; errorRows: number; failure: string | null;
}
interface RowError { row: number; field: string; reason: string }

const KINDS: { value: string; label: MessageKey }[] = [
  { value: 'regions', label: 'nav.regions' },
  { value: 'units', label: 'nav.units' },
  { value: 'services', label: 'nav.serviceItems' },
  { value: 'staff', label: 'nav.staff' },
];

function JobView({ id }: { id: number }) {
  const t = useT();
  const [page, setPage] = useState(1);
  const job = useQuery({
    queryKey: ['import', id],
    queryFn: () => api.get<Job>(`/api/imports/${id}`),
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'running' ? false : 1000),
  });
  const running = !job.data || job.data.status === 'running';
  const errors = useQuery({
    queryKey: ['import-errors', id, page],
    queryFn: () => api.get<Page<RowError>>(`/api/imports/${id}/errors`, { page, pageSize: 20 }),
    enabled: !running,
  });
  if (job.isError) return <Alert role="alert" type="error" showIcon message={friendlyError(t, job.error)} />;
  const j = job.data;
  const pct = j?.totalRows ? Math.min(100, Math.round((j.processedRows / j.totalRows) * 100)) : running ? 0 : 100;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="import-job">
      <Progress percent={pct} status={j?.status === 'failed' ? 'exception' : running ? 'active' : 'success'} aria-label={t('imports.progress')} />
      {j && (
        <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('field.status')}><Tag data-testid="import-status">{label(t, 'imports.status', j.status)}</Tag></Descriptions.Item>
          <Descriptions.Item label={t('imports.processed')}>{j.processedRows}{j.totalRows ? ` / ${j.totalRows}` : ''}</Descriptions.Item>
          <Descriptions.Item label={t('imports.inserted')}>{j.inserted}</Descriptions.Item>
          <Descriptions.Item label={t('imports.updated')}>{j.updated}</Descriptions.Item>
          <Descriptions.Item label={t('imports.unchanged')}>{j.unchanged}</Descriptions.Item>
          <Descriptions.Item label={t('imports.errorRows')}>{j.errorRows}</Descriptions.Item>
        </Descriptions>
      )}
      {j?.failure && <Alert type="error" showIcon message={t('imports.failed')} description={j.failure} />}
      {!running && (
        <Table<RowError>
          data-testid="import-errors"
          rowKey={(r) => `${r.row}/${r.field}`}
          size="small"
          loading={errors.isFetching}
          dataSource={errors.data?.items ?? []}
          locale={{ emptyText: t('imports.noErrors') }}
          pagination={{ current: page, pageSize: 20, total: errors.data?.total ?? 0, onChange: setPage }}
          columns={[
            { title: t('imports.row'), dataIndex: 'row' },
            { title: t('imports.field'), dataIndex: 'field' },
            { title: t('imports.reason'), dataIndex: 'reason' },
          ]}
        />
      )}
    </Space>
  );
}

export default function Imports() {
  const t = useT();
  const [kind, setKind] = useState('staff');
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);
  const upload = useMutation({
    mutationFn: () => api.upload<Job>(`/api/imports/${kind}`, file!, { fileName: file!.name }),
    onSuccess: (j) => setJobId(j.id),
  });
  const step = jobId ? 2 : file ? 1 : 0;
  return (
    <>
      <PageTitle>{t('nav.imports')}</PageTitle>
      <Card>
        <Steps current={step} style={{ marginBottom: 24 }} items={[{ title: t('imports.step.kind') }, { title: t('imports.step.file') }, { title: t('imports.step.result') }]} />
        {!jobId && (
          <Space direction="vertical" size="large" style={{ width: '100%' }}>
            <Radio.Group aria-label={t('imports.kind')} value={kind} onChange={(e) => setKind(e.target.value)} optionType="button"
              options={KINDS.map((k) => ({ value: k.value, label: t(k.label) }))} />
            <Upload.Dragger
              accept=".csv,.xlsx"
              multiple={false}
              maxCount={1}
              beforeUpload={(f) => { setFile(f); return false; }}
              onRemove={() => setFile(null)}
            >
              <p>{t('imports.drop')}</p>
              <p style={{ color: '#888' }}>{t('imports.formats')}</p>
            </Upload.Dragger>
            {upload.isError && <Alert role="alert" type="error" showIcon message={friendlyError(t, upload.error)} />}
            <Button type="primary" disabled={!file} loading={upload.isPending} onClick={() => upload.mutate()} data-testid="import-start">{t('imports.start')}</Button>
          </Space>
        )}
        {jobId && (
          <>
            <JobView id={jobId} />
            <Button style={{ marginTop: 16 }} onClick={() => { setJobId(null); setFile(null); upload.reset(); }}>{t('imports.another')}</Button>
          </>
        )}
      </Card>
    </>
  );
}

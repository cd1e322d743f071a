// Working days allowed for each rectification stage, per unit category; admins change them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, InputNumber, Table } from 'antd';
import { api, formErrors, friendlyError, type Page } from '../../shared/api.ts';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { useMe } from '../session.ts';

interface Rule { unitCategory: string; verifyDays: number; rectifyDays: number; revisitDays: number; appealDays: number; version: number }
const STAGES: { key: 'verifyDays' | 'rectifyDays' | 'revisitDays' | 'appealDays'; label: MessageKey }[] = [
  { key: 'verifyDays', label: 'deadlines.verify' },
  { key: 'rectifyDays', label: 'deadlines.rectify' },
  { key: 'revisitDays', label: 'deadlines.revisit' },
  { key: 'appealDays', label: 'deadlines.appeal' },
];

function RuleRow({ rule }: { rule: Rule }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const save = useMutation({
    mutationFn: (v: Omit<Rule, 'unitCategory' | 'version'>) => api.put<Rule>(`/api/rectification-deadlines/${rule.unitCategory}`, v),
    onSuccess: () => { void qc.invalidateQueries({ queryKey: ['deadlines'] }); message.success(t('common.saved')); },
    onError: (e) => form.setFields(formErrors(t, e)),
  });
  return (
    <Form name={`deadline-${rule.unitCategory}`} form={form} layout="inline" initialValues={rule} onFinish={(v) => save.mutate(v)}>
      {STAGES.map((s) => (
        <Form.Item key={s.key} name={s.key} label={t(s.label)} rules={[{ required: true, type: 'integer', min: 1, max: 60, message: t('deadlines.range') }]}>
          <InputNumber min={1} max={60} style={{ width: 80 }} aria-label={`${label(t, 'category', rule.unitCategory)} ${t(s.label)}`} />
        </Form.Item>
      ))}
      <Button htmlType="submit" loading={save.isPending}>{t('common.save')}</Button>
      {save.isError && <Alert type="error" showIcon message={friendlyError(t, save.error)} />}
    </Form>
  );
}

export default function Deadlines() {
  const t = useT();
  const isAdmin = useMe().data?.role === 'admin';
  const q = useQuery({ queryKey: ['deadlines'], queryFn: () => api.get<Page<Rule>>('/api/rectification-deadlines') });
  return (
    <>
      <PageTitle>{t('nav.deadlines')}</PageTitle>
      <Alert type="info" showIcon message={t('deadlines.help')} style={{ marginBottom: 12 }} />
      {q.isError && <ErrorNotice error={q.error} />}
      <Table<Rule>
        rowKey="unitCategory"
        size="small"
        loading={q.isFetching}
        dataSource={q.data?.items ?? []}
        pagination={false}
        columns={isAdmin
          ? [
              { title: t('field.category'), dataIndex: 'unitCategory', render: (v: string) => label(t, 'category', v) },
              { title: t('deadlines.days'), key: 'edit', render: (_, r) => <RuleRow rule={r} /> },
            ]
          : [
              { title: t('field.category'), dataIndex: 'unitCategory', render: (v: string) => label(t, 'category', v) },
              ...STAGES.map((s) => ({ title: t(s.label), dataIndex: s.key })),
            ]}
      />
    </>
  );
}

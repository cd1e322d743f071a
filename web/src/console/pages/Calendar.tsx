// The working-day calendar every deadline counts on: a year's exceptions (holidays on weekdays,
// make-up working weekends). Admins add, change and remove days; everyone else reads.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, formErrors, friendlyError } from '../../shared/api.ts';
import { useT } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { useMe } from '../session.ts';

interface Day { date: string; kind: string; name: string; weekday: string; version: number; updatedBy: string | null }
interface Range { from: string; to: string; coveredYears: number[]; exceptions: Day[] }

export default function Calendar() {
  const t = useT();
  const { message } = App.useApp();
  const me = useMe().data;
  const isAdmin = me?.role === 'admin';
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const qc = useQueryClient();
  const [form] = Form.useForm<{ date: string; kind: string; name: string }>();
  const q = useQuery({ queryKey: ['calendar', year], queryFn: () => api.get<Range>('/api/calendar', { from: `${year}-01-01`, to: `${year}-12-31` }) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['calendar'] });
  const save = useMutation({
    mutationFn: (v: { date: string; kind: string; name: string }) => api.put<Day>(`/api/calendar/days/${v.date}`, { kind: v.kind, name: v.name }),
    onSuccess: () => { form.resetFields(); void refresh(); message.success(t('common.saved')); },
    onError: (e) => form.setFields(formErrors(t, e)),
  });
  const remove = useMutation({
    mutationFn: (date: string) => api.del(`/api/calendar/days/${date}`),
    onSuccess: () => { void refresh(); message.success(t('common.deleted')); },
  });
  return (
    <>
      <PageTitle extra={
        <Select aria-label={t('calendar.year')} value={year} onChange={setYear} style={{ width: 120 }}
          options={[thisYear - 1, thisYear, thisYear + 1].map((y) => ({ value: y, label: String(y) }))} />
      }>{t('nav.calendar')}</PageTitle>
      <Alert type="info" showIcon message={t('calendar.help')} style={{ marginBottom: 12 }} />
      {q.data && !q.data.coveredYears.includes(year) && <Alert type="warning" showIcon message={t('calendar.notCovered', { year })} style={{ marginBottom: 12 }} />}
      {q.isError && <ErrorNotice error={q.error} />}
      {remove.isError && <ErrorNotice error={remove.error} />}
      {isAdmin && (
        <Card title={t('calendar.add')} style={{ marginBottom: 16 }}>
          {save.isError && <Alert role="alert" type="error" showIcon message={friendlyError(t, save.error)} style={{ marginBottom: 12 }} />}
          <Form name="calendar" form={form} layout="inline" onFinish={(v) => save.mutate(v)} initialValues={{ kind: 'holiday' }}>
            <Form.Item name="date" label={t('calendar.date')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('calendar.dateFormat') }]}>
              <Input type="date" style={{ width: 170 }} />
            </Form.Item>
            <Form.Item name="kind" label={t('calendar.kind')}>
              <Select aria-label={t('calendar.kind')} style={{ width: 160 }} options={['holiday', 'workday'].map((k) => ({ value: k, label: label(t, 'calendar.kindValue', k) }))} />
            </Form.Item>
            <Form.Item name="name" label={t('calendar.name')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}>
              <Input maxLength={50} style={{ width: 180 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={save.isPending}>{t('common.save')}</Button>
          </Form>
        </Card>
      )}
      <Table<Day>
        data-testid="calendar-table"
        rowKey="date"
        size="small"
        loading={q.isFetching}
        dataSource={q.data?.exceptions ?? []}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('calendar.date'), dataIndex: 'date' },
          { title: t('calendar.weekday'), dataIndex: 'weekday' },
          { title: t('calendar.kind'), dataIndex: 'kind', render: (v: string) => <Tag color={v === 'holiday' ? 'green' : 'orange'}>{label(t, 'calendar.kindValue', v)}</Tag> },
          { title: t('calendar.name'), dataIndex: 'name' },
          ...(isAdmin ? [{
            title: t('common.actions'), key: 'a',
            render: (_: unknown, d: Day) => (
              <Space>
                <Popconfirm title={t('calendar.confirmDelete', { date: d.date })} onConfirm={() => remove.mutate(d.date)} okText={t('common.yes')} cancelText={t('common.no')}>
                  <Button size="small" danger>{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          }] : []),
        ]}
      />
    </>
  );
}

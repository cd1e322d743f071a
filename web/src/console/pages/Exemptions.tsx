// The fault-tolerance list (容错清单): approved exemptions of one event (by its evidence reference) or of
// one indicator, each with its reason and approver. Organizers and inspectors approve new ones; the
// caller is recorded as the approver. Exempted events are left out of the next run of the period.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Radio, Select, Space, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { api, formErrors, friendlyError } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { PagedTable, PageTitle } from '../paged.tsx';
import { lastQuarter, may, PERIOD_RE } from '../scoring/model.ts';
import { useMe } from '../session.ts';

interface Exemption {
  id: number; subjectKind: string; subjectCode: string; period: string; ref: { type: string; id: string } | null; indicator: string | null;
  reason: string; approver: string; approvedAt: string;
}
interface FormValues { subjectKind: 'staff' | 'unit'; subjectCode: string; period: string; target: 'event' | 'indicator'; refType?: string; refId?: string; indicator?: string; reason: string }

const REF_TYPES = ['rating', 'rectification', 'rectification.event', 'hotline_ticket', 'audit_finding', 'proposal', 'training_record', 'case'];

function AddExemption() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const target = Form.useWatch('target', form);
  const [done, setDone] = useState(false);
  const add = useMutation({
    mutationFn: (v: FormValues) => api.post<Exemption>('/api/scoring/exemptions', {
      subjectKind: v.subjectKind, subjectCode: v.subjectCode.trim(), period: v.period.trim(), reason: v.reason.trim(),
      ...(v.target === 'event' ? { ref: { type: v.refType, id: v.refId?.trim() } } : { indicator: v.indicator?.trim() }),
    }),
    onSuccess: () => { setDone(true); form.resetFields(['subjectCode', 'refId', 'indicator', 'reason']); void qc.invalidateQueries({ queryKey: ['/api/scoring/exemptions'] }); },
    onError: (e) => form.setFields(formErrors(t, e)),
  });
  return (
    <Card size="small" title={t('scoring.ex.addTitle')} style={{ marginBottom: 16 }}>
      <Form<FormValues> form={form} name="exemption" layout="vertical" style={{ maxWidth: 640 }} onValuesChange={() => setDone(false)}
        initialValues={{ subjectKind: 'unit', period: lastQuarter(), target: 'event', refType: 'rectification' }} onFinish={(v) => add.mutate(v)}>
        <Space wrap>
          <Form.Item name="subjectKind" label={t('scoring.kind')}><Radio.Group options={[{ value: 'unit', label: t('scoring.kind.unit') }, { value: 'staff', label: t('scoring.kind.staff') }]} /></Form.Item>
          <Form.Item name="subjectCode" label={t('scoring.ex.subjectCode')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}><Input maxLength={64} style={{ width: 180 }} /></Form.Item>
          <Form.Item name="period" label={t('scoring.period')} rules={[{ required: true, message: t('error.required') }, { pattern: PERIOD_RE, message: t('scoring.periodHelp') }]}><Input maxLength={7} style={{ width: 120 }} /></Form.Item>
        </Space>
        <Form.Item name="target" label={t('scoring.ex.target')}>
          <Radio.Group options={[{ value: 'event', label: t('scoring.ex.event') }, { value: 'indicator', label: t('scoring.ex.indicator') }]} />
        </Form.Item>
        {target === 'indicator'
          ? <Form.Item name="indicator" label={t('scoring.ex.indicatorCode')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}><Input maxLength={64} style={{ width: 240 }} /></Form.Item>
          : (
            <Space wrap>
              <Form.Item name="refType" label={t('scoring.evidence.type')}><Select style={{ width: 200 }} aria-label={t('scoring.evidence.type')} options={REF_TYPES.map((x) => ({ value: x, label: x }))} /></Form.Item>
              <Form.Item name="refId" label={t('scoring.evidence.id')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}><Input maxLength={128} style={{ width: 180 }} /></Form.Item>
            </Space>
          )}
        <Form.Item name="reason" label={t('scoring.ex.reason')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}><Input.TextArea maxLength={1000} rows={2} /></Form.Item>
        <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="exemption-submit">{t('scoring.ex.approve')}</Button>
      </Form>
      {add.isError && <Alert style={{ marginTop: 12 }} type="error" role="alert" showIcon title={friendlyError(t, add.error)} description={add.error.message} />}
      {done && <Alert style={{ marginTop: 12 }} type="success" showIcon title={t('scoring.ex.added')} />}
    </Card>
  );
}

export default function Exemptions() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const [period, setPeriod] = useState('');
  const columns: TableColumnsType<Exemption> = [
    { title: t('scoring.period'), dataIndex: 'period' },
    { title: t('scoring.kind'), dataIndex: 'subjectKind', render: (k: string) => t(k === 'staff' ? 'scoring.kind.staff' : 'scoring.kind.unit') },
    { title: t('scoring.ex.subjectCode'), dataIndex: 'subjectCode' },
    { title: t('scoring.ex.target'), key: 'x', render: (_, e) => (e.ref ? `${e.ref.type} #${e.ref.id}` : `${t('scoring.ex.indicator')}: ${e.indicator}`) },
    { title: t('scoring.ex.reason'), dataIndex: 'reason' },
    { title: t('scoring.ex.approver'), dataIndex: 'approver' },
    { title: t('scoring.ex.approvedAt'), dataIndex: 'approvedAt', render: (v: string) => formatDateTime(v, locale) },
  ];
  return (
    <>
      <PageTitle extra={
        <Input.Search aria-label={t('scoring.period')} placeholder={t('scoring.ex.periodFilter')} allowClear style={{ width: 200 }}
          onSearch={(v) => setPeriod(PERIOD_RE.test(v.trim()) ? v.trim() : '')} />
      }>{t('scoring.ex.title')}</PageTitle>
      {may.exempt(me) && <AddExemption />}
      <PagedTable<Exemption> url="/api/scoring/exemptions" rowKey="id" columns={columns} search={false} filters={{ period: period || undefined }} testId="exemptions-table" />
    </>
  );
}

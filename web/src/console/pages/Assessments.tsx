// Assessors' scores (考核人员评分) of qualitative indicators: pick a published framework, the period,
// the subject and one of its qualitative indicators, and a level of the indicator's rubric. Sending a
// level again for the same indicator revises it (the latest counts in the next run).
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Radio, Select, Space } from 'antd';
import { useMemo, useState } from 'react';
import { api, formErrors, friendlyError, type Page } from '../../shared/api.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { PageTitle } from '../paged.tsx';
import { lastQuarter, PERIOD_RE, pick, useFramework, type Framework, type Indicator } from '../scoring/model.ts';

interface FormValues { frameworkId: number; period: string; subjectKind: 'staff' | 'unit'; subjectCode: string; indicator: string; level: string; note?: string }
interface Assessment { id: number; level: string; version: number; indicator: string; subjectCode: string }

export default function Assessments() {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const frameworkId = Form.useWatch('frameworkId', form);
  const indicatorCode = Form.useWatch('indicator', form);
  const [saved, setSaved] = useState<Assessment | null>(null);
  const frameworks = useQuery({
    queryKey: ['scoring-frameworks-published'],
    queryFn: () => api.get<Page<Framework>>('/api/scoring/frameworks', { status: 'published', pageSize: 100 }),
  });
  const fw = useFramework(frameworkId);
  // Qualitative indicators of every category variant (the same code has the same rubric across variants).
  const qualitative = useMemo(() => {
    const m = new Map<string, Indicator>();
    for (const v of fw.data?.definition.variants ?? []) for (const d of v.dimensions) for (const i of d.indicators) if (i.kind === 'qualitative' && !m.has(i.code)) m.set(i.code, i);
    return [...m.values()];
  }, [fw.data]);
  const rubric = qualitative.find((i) => i.code === indicatorCode)?.rubric ?? [];
  const send = useMutation({
    mutationFn: (v: FormValues) => api.post<Assessment>('/api/scoring/assessments', { ...v, subjectCode: v.subjectCode.trim(), period: v.period.trim(), note: v.note?.trim() || undefined }),
    onSuccess: setSaved,
    onError: (e) => form.setFields(formErrors(t, e)),
  });
  return (
    <>
      <PageTitle>{t('scoring.as.title')}</PageTitle>
      <Card size="small">
        <Form<FormValues> form={form} name="assessment" layout="vertical" style={{ maxWidth: 640 }} initialValues={{ period: lastQuarter(), subjectKind: 'staff' }}
          onValuesChange={() => setSaved(null)} onFinish={(v) => send.mutate(v)}>
          <Form.Item name="frameworkId" label={t('scoring.framework')} rules={[{ required: true, message: t('error.required') }]}>
            <Select aria-label={t('scoring.framework')} options={(frameworks.data?.items ?? []).map((f) => ({ value: f.id, label: `${pick(locale, f.nameZh, f.nameEn)} v${f.versionNo}` }))} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="period" label={t('scoring.period')} rules={[{ required: true, message: t('error.required') }, { pattern: PERIOD_RE, message: t('scoring.periodHelp') }]}><Input maxLength={7} style={{ width: 120 }} /></Form.Item>
            <Form.Item name="subjectKind" label={t('scoring.kind')}><Radio.Group options={[{ value: 'staff', label: t('scoring.kind.staff') }, { value: 'unit', label: t('scoring.kind.unit') }]} /></Form.Item>
            <Form.Item name="subjectCode" label={t('scoring.ex.subjectCode')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}><Input maxLength={64} style={{ width: 180 }} /></Form.Item>
          </Space>
          <Form.Item name="indicator" label={t('scoring.indicator')} rules={[{ required: true, message: t('error.required') }]}>
            <Select aria-label={t('scoring.indicator')} disabled={!qualitative.length} options={qualitative.map((i) => ({ value: i.code, label: pick(locale, i.nameZh, i.nameEn) }))} />
          </Form.Item>
          <Form.Item name="level" label={t('scoring.as.level')} rules={[{ required: true, message: t('error.required') }]}>
            <Radio.Group options={rubric.map((r) => ({ value: r.level, label: `${r.level} ${pick(locale, r.nameZh, r.nameEn)}` }))} />
          </Form.Item>
          <Form.Item name="note" label={t('scoring.as.note')}><Input.TextArea maxLength={1000} rows={2} /></Form.Item>
          <Button type="primary" htmlType="submit" loading={send.isPending} data-testid="assessment-submit">{t('scoring.as.submit')}</Button>
        </Form>
        {send.isError && <Alert style={{ marginTop: 12 }} type="error" role="alert" showIcon title={friendlyError(t, send.error)} description={send.error.message} />}
        {saved && <Alert style={{ marginTop: 12 }} type="success" showIcon title={t('scoring.as.saved', { level: saved.level, version: saved.version })} />}
      </Card>
    </>
  );
}

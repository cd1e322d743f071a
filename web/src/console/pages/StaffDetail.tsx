// One person's record. Out of the caller's scope the server answers 404 and so does this page. Showing
// the ID number and phone in full needs a reason; the view is logged in the access log.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Space, Spin, Tag } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, friendlyError } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n, type MessageKey } from '../../shared/i18n/index.tsx';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { canSee, useMe } from '../session.ts';
import NotFound from './NotFound.tsx';
import { StaffScorePanels } from '../scoring/StaffPanels.tsx';
import type { StaffRow } from './Staff.tsx';

export default function StaffDetail() {
  const { t, locale } = useI18n();
  const { code = '' } = useParams();
  const me = useMe().data;
  const [revealed, setRevealed] = useState<StaffRow | null>(null);
  const q = useQuery({ queryKey: ['staff', code], queryFn: () => api.get<StaffRow>(`/api/staff/${encodeURIComponent(code)}`) });
  const reveal = useMutation({
    mutationFn: (reason: string) => api.get<StaffRow>(`/api/staff/${encodeURIComponent(code)}`, { reveal: true, reason }),
    onSuccess: setRevealed,
  });
  if (q.isPending) return <Spin aria-label={t('common.loading')} />;
  if (q.isError) {
    if (q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400)) return <NotFound text={t('staff.notFound')} />;
    return <ErrorNotice error={q.error} />;
  }
  const s = revealed ?? q.data;
  const mayReveal = me && ['admin', 'inspector'].includes(me.role);
  return (
    <>
      <PageTitle extra={<Link to="/staff">{t('common.back')}</Link>}>{s.name}</PageTitle>
      <Card>
        <Descriptions column={{ xs: 1, md: 2 }} bordered size="small" data-testid="staff-detail">
          <Descriptions.Item label={t('field.code')}>{s.code}</Descriptions.Item>
          <Descriptions.Item label={t('field.unit')}>{s.unitName}</Descriptions.Item>
          <Descriptions.Item label={t('field.position')}>{s.position || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('field.staffLevel')}>{t(`staffLevel.${s.level}` as MessageKey)}</Descriptions.Item>
          <Descriptions.Item label={t('field.status')}><Tag>{t(`staffStatus.${s.status}` as MessageKey)}</Tag></Descriptions.Item>
          <Descriptions.Item label={t('field.enteredOn')}>{s.enteredOn ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('field.idNumber')}>{s.idNumber ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('field.phone')}>{s.phone ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('field.updatedAt')}>{formatDateTime(s.updatedAt, locale)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <StaffScorePanels code={s.code} unitCode={s.unitCode} />
      {mayReveal && canSee(me, 'staff') && !revealed && (
        <Card title={t('staff.reveal')} style={{ marginTop: 16 }}>
          <Alert type="warning" showIcon message={t('staff.revealNotice')} style={{ marginBottom: 12 }} />
          {reveal.isError && <Alert type="error" role="alert" showIcon message={friendlyError(t, reveal.error)} style={{ marginBottom: 12 }} />}
          <Form name="reveal" layout="inline" onFinish={(v: { reason: string }) => reveal.mutate(v.reason)}>
            <Form.Item name="reason" label={t('staff.revealReason')} rules={[{ required: true, whitespace: true, message: t('staff.revealReasonRequired') }]}>
              <Input maxLength={200} style={{ width: 260 }} />
            </Form.Item>
            <Space><Button htmlType="submit" loading={reveal.isPending}>{t('staff.revealSubmit')}</Button></Space>
          </Form>
        </Card>
      )}
    </>
  );
}

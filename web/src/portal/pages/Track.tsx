// Follow a report by its receipt code (查询进度): status, deadlines, outcome, the public timeline (units,
// never staff), messages both ways, and reopening a decision within the window. The code is sent only
// in POST bodies and kept in this page's memory: never in the URL, never stored by the browser.
import { Alert, Button, Card, Descriptions, Empty, Form, Input, Space, Tag, Timeline, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { hasKey, useI18n, type MessageKey } from '../../shared/i18n/index.tsx';
import { cleanCode, trackProblem, type PublicCase } from '../cases.ts';

const STATUS_COLOR: Record<string, string> = { submitted: 'blue', accepted: 'cyan', assigned: 'cyan', investigating: 'orange', extended: 'orange', resolved: 'green', closed: 'default', rejected: 'red', merged: 'default' };

function Messages({ c, send }: { c: PublicCase; send: (body: string) => Promise<unknown> }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{ body: string }>();
  const [pending, setPending] = useState(false);
  return (
    <Card title={t('cases.track.messages')} size="small" style={{ marginBottom: 16 }}>
      {c.messages.length === 0 ? <Empty description={t('cases.track.noMessages')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> : (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="track-messages">
          {c.messages.map((m) => (
            <div key={m.id} style={{ background: m.from === 'reporter' ? '#e6f4ff' : '#f6ffed', padding: 8, borderRadius: 6 }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {m.from === 'reporter' ? t('cases.track.fromMe') : m.unit ?? t('cases.track.fromUnit')} · {formatDateTime(m.at, locale)}
              </Typography.Text>
              <div style={{ whiteSpace: 'pre-wrap' }}>{m.body}</div>
            </div>
          ))}
        </Space>
      )}
      <Form
        form={form}
        name="track-message"
        layout="vertical"
        style={{ marginTop: 12 }}
        onFinish={async (v) => {
          setPending(true);
          try {
            await send(v.body.trim());
            form.resetFields();
          } finally {
            setPending(false);
          }
        }}
      >
        <Form.Item name="body" label={t('cases.track.writeMessage')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}>
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
        <Button htmlType="submit" loading={pending} data-testid="track-send">{t('cases.track.send')}</Button>
      </Form>
    </Card>
  );
}

function Reopen({ until, reopen }: { until: string; reopen: (reason: string) => Promise<unknown> }) {
  const { t, locale } = useI18n();
  const [pending, setPending] = useState(false);
  return (
    <Card title={t('cases.track.reopen')} size="small" style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">{t('cases.track.reopenHelp', { until: formatDateTime(until, locale) })}</Typography.Paragraph>
      <Form
        name="track-reopen"
        layout="vertical"
        onFinish={async (v: { reason: string }) => {
          setPending(true);
          try {
            await reopen(v.reason.trim());
          } finally {
            setPending(false);
          }
        }}
      >
        <Form.Item name="reason" label={t('cases.track.reopenReason')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
        <Button htmlType="submit" danger loading={pending} data-testid="track-reopen">{t('cases.track.reopenSubmit')}</Button>
      </Form>
    </Card>
  );
}

function statusText(t: (k: MessageKey) => string, status: string, fallback: string) {
  const key = `cases.status.${status}`;
  return hasKey(key) ? t(key) : fallback;
}

function CaseView({ c, code, onUpdate }: { c: PublicCase; code: string; onUpdate: (c: PublicCase) => void }) {
  const { t, locale } = useI18n();
  const [error, setError] = useState<MessageKey | null>(null);
  const call = async (path: string, body: Record<string, string>) => {
    setError(null);
    try {
      onUpdate(await api.post<PublicCase>(path, { receiptCode: code, ...body }));
    } catch (e) {
      setError(trackProblem(e));
      throw e;
    }
  };
  const decided = ['resolved', 'closed', 'rejected'].includes(c.status);
  return (
    <>
      {error && <Alert role="alert" type="error" showIcon message={t(error)} style={{ marginBottom: 12 }} data-testid="track-error" />}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small" data-testid="track-case">
          <Descriptions.Item label={t('cases.field.status')}>
            <Tag color={STATUS_COLOR[c.status]} data-testid="track-status">{statusText(t, c.status, c.statusName)}</Tag>
          </Descriptions.Item>
          {c.merged && <Descriptions.Item label={t('cases.track.mergedLabel')}>{t('cases.track.merged')}</Descriptions.Item>}
          <Descriptions.Item label={t('cases.field.category')}>{locale === 'en' ? c.category.nameEn : c.category.nameZh}</Descriptions.Item>
          <Descriptions.Item label={t('cases.field.unit')}>{c.unit.name}</Descriptions.Item>
          <Descriptions.Item label={t('cases.field.submittedAt')}>{formatDateTime(c.submittedAt, locale)}</Descriptions.Item>
          {c.status === 'submitted' && <Descriptions.Item label={t('cases.field.firstResponseDue')}>{formatDateTime(c.firstResponseDue, locale)}</Descriptions.Item>}
          {c.dueAt && !decided && <Descriptions.Item label={t('cases.field.dueAt')}>{formatDateTime(c.dueAt, locale)}</Descriptions.Item>}
          <Descriptions.Item label={t('cases.field.photos')}>{c.media}</Descriptions.Item>
        </Descriptions>
      </Card>
      {(c.finding || c.rejectReason) && (
        <Card title={t('cases.track.outcome')} size="small" style={{ marginBottom: 16 }} data-testid="track-outcome">
          {c.finding && (
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('cases.field.finding')}>{hasKey(`cases.finding.${c.finding}`) ? t(`cases.finding.${c.finding}` as MessageKey) : c.findingName}</Descriptions.Item>
              <Descriptions.Item label={t('cases.field.measures')}><span style={{ whiteSpace: 'pre-wrap' }}>{c.measures ?? '—'}</span></Descriptions.Item>
            </Descriptions>
          )}
          {c.rejectReason && <Typography.Paragraph>{t('cases.track.rejected', { reason: c.rejectReason })}</Typography.Paragraph>}
        </Card>
      )}
      <Card title={t('cases.track.timeline')} size="small" style={{ marginBottom: 16 }}>
        <Timeline
          items={c.timeline.map((e, i) => ({
            key: i,
            children: (
              <Space direction="vertical" size={0}>
                <span>{hasKey(`cases.action.${e.action}`) ? t(`cases.action.${e.action}` as MessageKey) : e.action} → {statusText(t, e.status, e.statusName)}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatDateTime(e.at, locale)}{e.unit ? ` · ${e.unit}` : ''}</Typography.Text>
                {typeof e.detail.reason === 'string' && <Typography.Text style={{ fontSize: 12 }}>{t('cases.track.reason', { reason: e.detail.reason })}</Typography.Text>}
              </Space>
            ),
          }))}
        />
      </Card>
      {c.canReopenUntil && <Reopen until={c.canReopenUntil} reopen={(reason) => call('/api/public/cases/follow/reopen', { reason })} />}
      <Messages c={c} send={(body) => call('/api/public/cases/follow/messages', { body })} />
    </>
  );
}

export default function Track() {
  const { t } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ receiptCode: string }>();
  const [code, setCode] = useState<string | null>(null);
  const [found, setFound] = useState<PublicCase | null>(null);
  const lookup = useMutation({
    mutationFn: (receiptCode: string) => api.post<PublicCase>('/api/public/cases/follow', { receiptCode }),
    onSuccess: (c, receiptCode) => { setFound(c); setCode(receiptCode); },
    onError: (e) => form.setFields([{ name: 'receiptCode', errors: [t(trackProblem(e))] }]),
  });
  // Arriving from the receipt step: use the code it passed in the router state, then drop it from history.
  const passed = (location.state as { receiptCode?: string } | null)?.receiptCode;
  useEffect(() => {
    if (!passed) return;
    form.setFieldsValue({ receiptCode: passed });
    lookup.mutate(passed);
    navigate('/track', { replace: true, state: null });
  }, [passed]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('cases.track.title')}</Typography.Title>}>
        <Typography.Paragraph type="secondary">{t('cases.track.intro')}</Typography.Paragraph>
        <Form name="track" form={form} layout="vertical" onFinish={(v) => { setFound(null); lookup.mutate(cleanCode(v.receiptCode)); }}>
          <Form.Item
            name="receiptCode"
            label={t('cases.track.code')}
            rules={[{ required: true, whitespace: true, message: t('cases.track.codeRequired') }, { pattern: /^[\d\s-]{16,40}$/, message: t('cases.track.badCode') }]}
          >
            <Input autoComplete="off" inputMode="numeric" maxLength={40} spellCheck={false} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={lookup.isPending} data-testid="track-submit">{t('cases.track.submit')}</Button>
        </Form>
      </Card>
      {found && code && <CaseView c={found} code={code} onUpdate={setFound} />}
    </Space>
  );
}

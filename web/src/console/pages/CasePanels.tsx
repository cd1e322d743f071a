// Parts of the case page: the classification and its override, the photos (thumbnails, full image on
// demand), messages with the reporter, merging into a duplicate, and revealing the reporter (inspectors,
// with a reason that the server logs).
import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Form, Image, Input, InputNumber, Modal, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, formErrors, friendlyError, type Page } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { CASE_CATEGORIES, type CaseDetail } from '../cases.ts';
import { label } from '../labels.ts';

export function Classification({ c, canOverride, onDone }: { c: CaseDetail; canOverride: boolean; onDone: (d: CaseDetail) => void }) {
  const { t, locale } = useI18n();
  const [category, setCategory] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (code: string) => api.put<CaseDetail>(`/api/cases/${c.id}/category`, { category: code }),
    onSuccess: (d) => { setCategory(undefined); onDone(d); },
  });
  const k = c.category;
  // A person's override stores confidence 1; only the classifier's own answer has a confidence worth showing.
  const confidence = k.confidence === null ? null : Math.round(k.confidence * 100);
  return (
    <Card title={t('cases.class.title')} style={{ marginBottom: 16 }} data-testid="case-classification">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text strong>{label(t, 'cases.category', k.code)}</Typography.Text>
          <Tag color={k.source === 'person' ? 'purple' : 'blue'}>{t(k.source === 'person' ? 'cases.class.byPerson' : k.source === 'reporter' ? 'cases.class.byReporter' : 'cases.class.byClassifier')}</Tag>
        </Space>
        {k.classifierCategory && (
          <Space wrap align="center">
            <Typography.Text type="secondary">{t('cases.class.classifier', { category: label(t, 'cases.category', k.classifierCategory) })}</Typography.Text>
            {confidence !== null && k.source === 'classifier' && <Progress percent={confidence} size="small" style={{ width: 160 }} aria-label={t('cases.class.confidence')} format={(p) => t('cases.class.confidenceValue', { p: p ?? 0 })} />}
          </Space>
        )}
        {k.setBy && <Typography.Text type="secondary">{t('cases.class.setBy', { name: k.setBy, at: formatDateTime(k.setAt, locale) })}</Typography.Text>}
        {canOverride && (
          <Space wrap>
            <Select aria-label={t('cases.class.override')} placeholder={t('cases.class.override')} style={{ width: 200 }} value={category} onChange={setCategory}
              options={CASE_CATEGORIES.filter((x) => x !== k.code).map((x) => ({ value: x, label: label(t, 'cases.category', x) }))} />
            <Button disabled={!category} loading={save.isPending} onClick={() => category && save.mutate(category)} data-testid="case-override">{t('cases.class.overrideSave')}</Button>
          </Space>
        )}
        {save.isError && <Alert role="alert" type="error" showIcon message={friendlyError(t, save.error)} />}
      </Space>
    </Card>
  );
}

export function Attachments({ c }: { c: CaseDetail }) {
  const { t } = useI18n();
  const photos = c.media.filter((m) => m.kind === 'image');
  const others = c.media.filter((m) => m.kind !== 'image');
  const base = `/api/cases/${c.id}/media`;
  return (
    <Card title={t('cases.media.title', { n: c.media.length })} style={{ marginBottom: 16 }}>
      {c.media.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.media.none')} />}
      <Image.PreviewGroup>
        <Space wrap data-testid="case-media">
          {photos.map((m, i) => (
            <Space key={m.id} direction="vertical" size={2} align="center">
              <Image width={120} height={120} style={{ objectFit: 'cover' }} src={`${base}/${m.id}?thumb=true`} preview={{ src: `${base}/${m.id}` }} alt={t('cases.media.photo', { n: i + 1 })} />
              {/* The viewer opens by mouse; this link is the keyboard's way to the full image. */}
              <a href={`${base}/${m.id}`} target="_blank" rel="noreferrer">{t('cases.media.full', { n: i + 1 })}</a>
            </Space>
          ))}
        </Space>
      </Image.PreviewGroup>
      {others.map((m) => (
        <div key={m.id}>{m.url ? <a href={m.url} target="_blank" rel="noreferrer noopener">{m.url}</a> : <a href={`${base}/${m.id}`} target="_blank" rel="noreferrer">{t('cases.media.video')}</a>}</div>
      ))}
    </Card>
  );
}

export function Messages({ c, canWrite, onSent }: { c: CaseDetail; canWrite: boolean; onSent: () => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{ body: string }>();
  const send = useMutation({
    mutationFn: (body: string) => api.post(`/api/cases/${c.id}/messages`, { body }),
    onSuccess: () => { form.resetFields(); onSent(); },
    onError: (e) => form.setFields(formErrors(t, e)),
  });
  return (
    <Card title={t('cases.track.messages')} style={{ marginBottom: 16 }}>
      {c.messages.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.track.noMessages')} /> : (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="case-messages">
          {c.messages.map((m) => (
            <div key={m.id} style={{ background: m.from === 'reporter' ? '#fffbe6' : '#f0f5ff', padding: 8, borderRadius: 6 }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {m.from === 'reporter' ? t('cases.msg.reporter') : m.unit ?? t('cases.track.fromUnit')} · {formatDateTime(m.at, locale)}
              </Typography.Text>
              <div style={{ whiteSpace: 'pre-wrap' }}>{m.body}</div>
            </div>
          ))}
        </Space>
      )}
      {canWrite && (
        <Form form={form} name="case-message" layout="vertical" style={{ marginTop: 12 }} onFinish={(v) => send.mutate(v.body.trim())}>
          {send.isError && <Alert role="alert" type="error" showIcon message={friendlyError(t, send.error)} style={{ marginBottom: 8 }} />}
          <Form.Item name="body" label={t('cases.msg.write')} rules={[{ required: true, whitespace: true, message: t('error.required') }]}>
            <Input.TextArea rows={3} maxLength={2000} showCount />
          </Form.Item>
          <Button htmlType="submit" loading={send.isPending} data-testid="case-send">{t('cases.track.send')}</Button>
        </Form>
      )}
    </Card>
  );
}

interface Duplicate { id: number; similarity: number; text: string; status: string; submittedAt: string }

export function MergePanel({ id, onDone }: { id: number; onDone: (d: CaseDetail) => void }) {
  const { t, locale } = useI18n();
  const [into, setInto] = useState<number | null>(null);
  const dups = useQuery({ queryKey: ['case-duplicates', id], queryFn: () => api.get<Page<Duplicate>>(`/api/cases/${id}/duplicates`) });
  const merge = useMutation({ mutationFn: (intoId: number) => api.post<CaseDetail>(`/api/cases/${id}/merge`, { intoId }), onSuccess: onDone });
  const rows = dups.data?.items ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('cases.merge.help')}</Typography.Paragraph>
      <Table<Duplicate>
        size="small" rowKey="id" pagination={false} loading={dups.isFetching} dataSource={rows}
        locale={{ emptyText: t('cases.merge.none') }}
        columns={[
          { title: t('cases.queue.number'), key: 'id', render: (_, r) => <Link to={`/cases/${r.id}`}>{t('cases.queue.caseNo', { id: r.id })}</Link> },
          { title: t('cases.merge.similarity'), key: 's', render: (_, r) => `${Math.round(r.similarity * 100)}%` },
          { title: t('cases.queue.text'), key: 'text', render: (_, r) => <Typography.Text ellipsis={{ tooltip: r.text }} style={{ maxWidth: 280 }}>{r.text}</Typography.Text> },
          { title: t('cases.field.submittedAt'), key: 'at', render: (_, r) => formatDateTime(r.submittedAt, locale) },
          { title: t('common.actions'), key: 'a', render: (_, r) => <Button size="small" onClick={() => setInto(r.id)}>{t('cases.merge.into')}</Button> },
        ]}
      />
      <Space wrap>
        <label htmlFor="merge-into">{t('cases.merge.intoId')}</label>
        <InputNumber id="merge-into" min={1} value={into} onChange={(v) => setInto(v)} />
        <Button type="primary" danger disabled={!into} loading={merge.isPending} onClick={() => into && merge.mutate(into)} data-testid="case-merge">{t('cases.action.merge')}</Button>
      </Space>
      {merge.isError && <Alert role="alert" type="error" showIcon message={friendlyError(t, merge.error)} />}
    </Space>
  );
}

export function Reveal({ onReveal }: { onReveal: (reason: string) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <>
      <Button size="small" style={{ marginLeft: 8 }} onClick={() => setOpen(true)}>{t('cases.reveal.button')}</Button>
      <Modal open={open} title={t('cases.reveal.title')} okText={t('cases.reveal.confirm')} okButtonProps={{ disabled: !reason.trim() }}
        onOk={() => { onReveal(reason.trim()); setOpen(false); }} onCancel={() => setOpen(false)}>
        <Typography.Paragraph type="secondary">{t('cases.reveal.help')}</Typography.Paragraph>
        <label htmlFor="reveal-reason">{t('cases.reveal.reason')}</label>
        <Input.TextArea id="reveal-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </>
  );
}

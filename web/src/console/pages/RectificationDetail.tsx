// One rectification: the rating, the state, the history, and a form for each action the caller may
// take now (allowedActions from the server). Field refusals land on the form's fields.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Radio, Space, Spin, Tabs, Tag, Timeline } from 'antd';
import { useParams } from 'react-router';
import { Link } from 'react-router';
import { api, ApiError, formErrors, friendlyError } from '../../shared/api.ts';
import { countdown, formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { ACTION_FIELDS, type Rectification, type RectificationEvent } from '../rectification.ts';
import NotFound from './NotFound.tsx';

type Detail = Rectification & { events: RectificationEvent[] };

function ActionForm({ id, action, onDone }: { id: number; action: string; onDone: (d: Detail) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Record<string, string>>();
  const values = Form.useWatch([], form) ?? {};
  const run = useMutation({
    mutationFn: (v: Record<string, string>) => api.post<Detail>(`/api/rectifications/${id}/${action}`, Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== ''))),
    onSuccess: onDone,
    onError: (e) => form.setFields(formErrors(t, e)),
  });
  const fields = ACTION_FIELDS[action] ?? [];
  return (
    <Form name={`rect-${action}`} form={form} layout="vertical" onFinish={(v) => run.mutate(v)} data-testid={`action-${action}`}>
      {run.isError && <Alert role="alert" type="error" showIcon message={friendlyError(t, run.error)} style={{ marginBottom: 12 }} />}
      {fields.map((f) => {
        const required = typeof f.required === 'function' ? f.required(values) : f.required;
        return (
          <Form.Item key={f.name} name={f.name} label={t(f.label)} rules={[{ required, whitespace: true, message: t('error.required') }]}>
            {f.kind === 'choice' ? (
              <Radio.Group aria-label={t(f.label)} options={f.options.map((o) => ({ value: o.value, label: t(o.label) }))} />
            ) : (
              <Input.TextArea rows={3} maxLength={f.name === 'evidence' ? 4000 : 1000} />
            )}
          </Form.Item>
        );
      })}
      <Button type="primary" htmlType="submit" loading={run.isPending} data-testid="action-submit">{label(t, 'rect.action', action)}</Button>
    </Form>
  );
}

export default function RectificationDetail() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['rectification', id], queryFn: () => api.get<Detail>(`/api/rectifications/${id}`), enabled: Number.isInteger(id) && id > 0 });
  if (!Number.isInteger(id) || id <= 0) return <NotFound />;
  if (q.isPending) return <Spin aria-label={t('common.loading')} />;
  if (q.isError) return q.error instanceof ApiError && q.error.status === 404 ? <NotFound /> : <ErrorNotice error={q.error} />;
  const r = q.data;
  const c = countdown(t, r.stageDeadline);
  const done = (d: Detail) => {
    qc.setQueryData(['rectification', id], d);
    void qc.invalidateQueries({ queryKey: ['rectifications'] });
    message.success(t('rect.actionDone'));
  };
  return (
    <>
      <PageTitle extra={<Link to="/rectifications">{t('common.back')}</Link>}>{t('rect.title', { code: r.transaction.code })}</PageTitle>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2 }} bordered size="small" data-testid="rect-detail">
          <Descriptions.Item label={t('field.status')}><Tag data-testid="rect-status">{label(t, 'rect.status', r.status)}</Tag></Descriptions.Item>
          <Descriptions.Item label={t('rect.deadline')}>{r.status === 'closed' ? '—' : <Tag color={c.overdue ? 'red' : 'orange'}>{c.text}</Tag>}</Descriptions.Item>
          <Descriptions.Item label={t('field.unit')}>{r.unit.name}</Descriptions.Item>
          <Descriptions.Item label={t('rect.serviceItem')}>{r.transaction.serviceItemName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('rect.rating')}>{label(t, 'rating', `level${r.rating.level}`)}</Descriptions.Item>
          <Descriptions.Item label={t('rect.ratedAt')}>{formatDateTime(r.rating.ratedAt, locale)}</Descriptions.Item>
          <Descriptions.Item label={t('rect.comment')} span={2}>{r.rating.comment ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('rect.tags')} span={2}>{r.rating.tags.length ? r.rating.tags.map((x) => <Tag key={x}>{x}</Tag>) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('rect.rater')}>{r.rating.rater ? `${r.rating.rater.name} ${r.rating.rater.phone}` : t('rect.anonymous')}</Descriptions.Item>
          <Descriptions.Item label={t('rect.outcome')}>{label(t, 'rect.outcomeValue', r.outcome)}</Descriptions.Item>
          {r.evidence && <Descriptions.Item label={t('rect.field.evidence')} span={2}>{r.evidence}</Descriptions.Item>}
          {r.findingReason && <Descriptions.Item label={t('rect.field.reason')} span={2}>{r.findingReason}</Descriptions.Item>}
        </Descriptions>
      </Card>
      {r.allowedActions.length > 0 && (
        <Card title={t('rect.actions')} style={{ marginBottom: 16 }}>
          <Tabs items={r.allowedActions.map((a) => ({ key: a, label: label(t, 'rect.action', a), children: <ActionForm id={id} action={a} onDone={done} /> }))} />
        </Card>
      )}
      <Card title={t('rect.history')}>
        <Timeline
          items={r.events.map((e) => ({
            key: e.id,
            children: (
              <Space direction="vertical" size={0}>
                <span>{label(t, 'rect.action', e.action)} → {label(t, 'rect.status', e.toStatus)}</span>
                <span style={{ color: '#888' }}>{formatDateTime(e.at, locale)} · {e.actor ?? label(t, 'role', e.actorRole)}</span>
              </Space>
            ),
          }))}
        />
      </Card>
    </>
  );
}

// One case: what was reported, both clocks, the reporter (masked; inspectors may reveal with a reason),
// a form for each step the server allows this user now (allowedActions), merging into a duplicate,
// messages with the reporter, the photos, the classification with its override, and the history.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Radio, Space, Spin, Tabs, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, formErrors, friendlyError } from '../../shared/api.ts';
import { countdown, formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { beijingIso, CASE_ACTION_FIELDS, OPEN_STATUSES, type CaseDetail as Detail } from '../cases.ts';
import { label } from '../labels.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { UnitPicker } from '../UnitPicker.tsx';
import { useMe } from '../session.ts';
import { Attachments, Classification, MergePanel, Messages, Reveal } from './CasePanels.tsx';
import NotFound from './NotFound.tsx';

function ActionForm({ id, action, onDone }: { id: number; action: string; onDone: (d: Detail) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Record<string, string>>();
  const values = Form.useWatch([], form) ?? {};
  const run = useMutation({
    mutationFn: (v: Record<string, string>) => {
      const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== ''));
      if (body.newDeadline) body.newDeadline = beijingIso(body.newDeadline);
      return api.post<Detail>(`/api/cases/${id}/${action}`, body);
    },
    onSuccess: (d) => { form.resetFields(); onDone(d); },
    onError: (e) => form.setFields(formErrors(t, e)),
  });
  const fields = CASE_ACTION_FIELDS[action] ?? [];
  return (
    <Form name={`case-${action}`} form={form} layout="vertical" onFinish={(v) => run.mutate(v)} data-testid={`case-action-${action}`}>
      {run.isError && <Alert role="alert" type="error" showIcon message={friendlyError(t, run.error)} style={{ marginBottom: 12 }} />}
      {fields.length === 0 && <Typography.Paragraph type="secondary">{label(t, 'cases.actionHelp', action)}</Typography.Paragraph>}
      {fields.map((f) => {
        const required = typeof f.required === 'function' ? f.required(values) : f.required;
        return (
          <Form.Item key={f.name} name={f.name} label={t(f.label)} rules={[{ required, whitespace: true, message: t('error.required') }]}>
            {f.kind === 'choice' ? <Radio.Group aria-label={t(f.label)} options={f.options.map((o) => ({ value: o.value, label: t(o.label) }))} />
              : f.kind === 'line' ? <Input maxLength={100} />
              : f.kind === 'datetime' ? <Input type="datetime-local" aria-describedby={`${action}-dl-help`} />
              : f.kind === 'unit' ? <UnitPicker aria-label={t(f.label)} />
              : <Input.TextArea rows={3} maxLength={f.name === 'measures' ? 4000 : 1000} />}
          </Form.Item>
        );
      })}
      {action === 'extend' && <Typography.Paragraph type="secondary" id={`${action}-dl-help`}>{t('cases.form.beijingTime')}</Typography.Paragraph>}
      <Button type="primary" htmlType="submit" loading={run.isPending} data-testid="case-action-submit">{label(t, 'cases.action', action)}</Button>
    </Form>
  );
}

export default function CaseDetail() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const id = Number(useParams().id);
  const qc = useQueryClient();
  const me = useMe().data;
  const [reveal, setReveal] = useState<string | null>(null);
  const valid = Number.isInteger(id) && id > 0;
  const q = useQuery({
    queryKey: ['case', id, reveal],
    queryFn: () => api.get<Detail>(`/api/cases/${id}`, reveal ? { reveal: true, reason: reveal } : undefined),
    enabled: valid,
  });
  if (!valid) return <NotFound />;
  if (q.isPending) return <Spin aria-label={t('common.loading')} />;
  if (q.isError) {
    if (q.error instanceof ApiError && q.error.status === 404) return <NotFound />;
    return <ErrorNotice error={q.error} />;
  }
  const c = q.data;
  const done = (d: Detail) => {
    qc.setQueryData(['case', id, reveal], d);
    void qc.invalidateQueries({ queryKey: ['cases'] });
    message.success(t('cases.detail.done'));
  };
  const refresh = () => { void qc.invalidateQueries({ queryKey: ['case', id] }); void qc.invalidateQueries({ queryKey: ['cases'] }); };
  const first = c.firstRespondedAt ? null : countdown(t, c.firstResponseDue);
  const due = c.dueAt && c.deadline ? countdown(t, c.dueAt) : null;
  const owner = c.allowedActions.some((a) => !['accept-transfer', 'decline-transfer'].includes(a));
  const canMerge = owner && OPEN_STATUSES.includes(c.status);
  const canAct = me?.role === 'unit_head' || me?.role === 'inspector';
  const actions = [
    ...c.allowedActions.map((a) => ({ key: a, label: label(t, 'cases.action', a), children: <ActionForm id={id} action={a} onDone={done} /> })),
    ...(canMerge ? [{ key: 'merge', label: t('cases.action.merge'), children: <MergePanel id={id} onDone={done} /> }] : []),
  ];
  return (
    <>
      <PageTitle extra={<Link to="/cases">{t('common.back')}</Link>}>{t('cases.detail.title', { id: c.id })}</PageTitle>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2 }} bordered size="small" data-testid="case-detail">
          <Descriptions.Item label={t('cases.field.status')}><Tag data-testid="case-status">{label(t, 'cases.status', c.status)}</Tag></Descriptions.Item>
          <Descriptions.Item label={t('cases.field.channel')}>{label(t, 'cases.channel', c.channel)}</Descriptions.Item>
          <Descriptions.Item label={t('cases.field.firstResponseDue')}>
            {first ? <Tag color={first.overdue ? 'red' : 'orange'} data-testid="case-first-response">{first.text}</Tag> : t('cases.detail.respondedAt', { at: formatDateTime(c.firstRespondedAt, locale) })}
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.field.dueAt')}>
            {due ? <Tag color={due.overdue ? 'red' : 'orange'} data-testid="case-due">{due.text} · {formatDateTime(c.dueAt, locale)}</Tag> : formatDateTime(c.dueAt, locale)}
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.field.unit')}>{c.unit.name}</Descriptions.Item>
          <Descriptions.Item label={t('cases.detail.subject')}>{[c.subject.unitName, c.subject.staffName].filter(Boolean).join(' · ') || '—'}</Descriptions.Item>
          {c.transfer && (
            <Descriptions.Item label={t('cases.detail.transfer')} span={2}>
              <Typography.Text type="warning">{t('cases.detail.transferPending', { unit: c.transfer.unitName ?? c.transfer.unitCode, reason: c.transfer.reason ?? '—' })}</Typography.Text>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('cases.detail.text')} span={2}><span style={{ whiteSpace: 'pre-wrap' }} data-testid="case-text">{c.text}</span></Descriptions.Item>
          <Descriptions.Item label={t('cases.detail.location')} span={2}>
            {[c.location.address, c.location.lat !== null && c.location.long !== null ? `${c.location.lat}, ${c.location.long}` : null].filter(Boolean).join(' · ') || '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.detail.reporter')} span={2}>
            {c.reporter ? `${c.reporter.name} ${c.reporter.phone ?? ''} ${c.reporter.email ?? ''}` : t('cases.detail.anonymous')}
            {c.reporter && me?.role === 'inspector' && c.reporter.masked && <Reveal onReveal={setReveal} />}
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.detail.assignee')}>{c.assignee ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('cases.detail.submittedAt')}>{formatDateTime(c.submittedAt, locale)}</Descriptions.Item>
          {c.rejectReason && <Descriptions.Item label={t('cases.detail.rejectReason')} span={2}>{c.rejectReason}</Descriptions.Item>}
          {c.finding && <Descriptions.Item label={t('cases.field.finding')}>{label(t, 'cases.finding', c.finding)}</Descriptions.Item>}
          {c.measures && <Descriptions.Item label={t('cases.field.measures')} span={2}>{c.measures}</Descriptions.Item>}
          {c.mergedIntoId && <Descriptions.Item label={t('cases.detail.mergedInto')}><Link to={`/cases/${c.mergedIntoId}`}>{t('cases.queue.caseNo', { id: c.mergedIntoId })}</Link></Descriptions.Item>}
          {c.escalatedAt && <Descriptions.Item label={t('cases.detail.escalatedAt')}><Tag color="red">{formatDateTime(c.escalatedAt, locale)}</Tag></Descriptions.Item>}
        </Descriptions>
      </Card>
      {actions.length > 0 ? (
        <Card title={t('cases.detail.actions')} style={{ marginBottom: 16 }}>
          <Tabs items={actions} />
        </Card>
      ) : (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t(canAct ? 'cases.detail.noActions' : 'cases.detail.readOnly')} />
      )}
      <Classification c={c} canOverride={owner} onDone={done} />
      <Attachments c={c} />
      <Messages c={c} canWrite={owner && c.status !== 'merged'} onSent={refresh} />
      <Card title={t('cases.detail.history')}>
        <Timeline
          items={c.events.map((e) => ({
            key: e.id,
            color: e.action === 'escalate' ? 'red' : undefined,
            children: (
              <Space direction="vertical" size={0}>
                <span>{label(t, 'cases.action', e.action)} → {label(t, 'cases.status', e.toStatus)}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(e.at, locale)} · {[e.unit, e.actor ?? (e.actorRole === 'reporter' || e.actorRole === 'system' ? label(t, 'cases.actor', e.actorRole) : label(t, 'role', e.actorRole))].filter((x) => x && x !== '—').join(' · ')}
                </Typography.Text>
                {typeof e.detail.reason === 'string' && <Typography.Text style={{ fontSize: 12 }}>{t('cases.track.reason', { reason: e.detail.reason })}</Typography.Text>}
              </Space>
            ),
          }))}
        />
      </Card>
    </>
  );
}

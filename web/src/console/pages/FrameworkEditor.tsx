// The framework editor (指标体系): a version as a structured form or as JSON, validated live by the
// server (POST /api/scoring/frameworks/validate) with each error shown at the indicator it names;
// a draft is saved and published here, and a published version is read-only (immutable): it can only
// be copied into a new draft version.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Popconfirm, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, friendlyError } from '../../shared/api.ts';
import { formatDateTime } from '../../shared/format.ts';
import { useI18n } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { FrameworkForm, placeOf, setIn, type FieldError, type Path } from '../scoring/FrameworkForm.tsx';
import { may, pick, useFramework, type Framework, type FrameworkDef } from '../scoring/model.ts';
import { useMe } from '../session.ts';
import NotFound from './NotFound.tsx';

const BASE = '/body/definition';
const relative = (errors: FieldError[] | undefined) => (errors ?? []).map((e) => ({ path: e.path.startsWith(BASE) ? e.path.slice(BASE.length) : e.path, message: e.message }));

export default function FrameworkEditor() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const me = useMe().data;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const id = Number(useParams().id);
  const fw = useFramework(Number.isInteger(id) && id > 0 ? id : undefined);
  const [doc, setDoc] = useState<FrameworkDef | null>(null);
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [dirty, setDirty] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldError[] | null>(null);

  useEffect(() => {
    if (fw.data) {
      setDoc(fw.data.definition);
      setText(JSON.stringify(fw.data.definition, null, 2));
      setDirty(false);
      setServerErrors(null);
    }
  }, [fw.data]);

  const editable = fw.data?.status === 'draft' && may.editFramework(me);
  // Live validation: the server's rules, a moment after the last change (only for those who may edit).
  const [debounced, setDebounced] = useState<FrameworkDef | null>(null);
  useEffect(() => {
    const h = setTimeout(() => setDebounced(doc), 400);
    return () => clearTimeout(h);
  }, [doc]);
  const validation = useQuery({
    queryKey: ['framework-validate', debounced],
    queryFn: () => api.post<{ valid: boolean; errors: FieldError[] }>('/api/scoring/frameworks/validate', { definition: debounced }),
    enabled: Boolean(debounced) && may.editFramework(me),
    placeholderData: (p) => p,
    staleTime: Infinity,
  });
  const errors = useMemo(() => serverErrors ?? relative(validation.data?.errors), [serverErrors, validation.data]);

  const change = (path: Path, value: unknown) => {
    if (!doc || !editable) return;
    const next = setIn(doc, path, value);
    setDoc(next);
    setText(JSON.stringify(next, null, 2));
    setDirty(true);
    setServerErrors(null);
  };
  const changeText = (v: string) => {
    setText(v);
    setDirty(true);
    setServerErrors(null);
    try {
      setDoc(JSON.parse(v) as FrameworkDef);
      setParseError(null);
    } catch (e) {
      setParseError((e as Error).message);
    }
  };

  const onSaved = (f: Framework) => {
    void qc.invalidateQueries({ queryKey: ['framework', f.id] });
    void qc.invalidateQueries({ queryKey: ['/api/scoring/frameworks'] });
  };
  const fail = (e: unknown) => {
    if (e instanceof ApiError && e.problem.errors?.length) setServerErrors(relative(e.problem.errors));
    message.error(friendlyError(t, e));
  };
  const save = useMutation({ mutationFn: () => api.put<Framework>(`/api/scoring/frameworks/${id}`, { definition: doc }), onSuccess: (f) => { onSaved(f); message.success(t('common.saved')); }, onError: fail });
  const publish = useMutation({ mutationFn: () => api.post<Framework>(`/api/scoring/frameworks/${id}/publish`), onSuccess: (f) => { onSaved(f); message.success(t('scoring.fw.publishedOk')); }, onError: fail });
  const copy = useMutation({
    mutationFn: () => api.post<Framework>('/api/scoring/frameworks', { definition: fw.data!.definition }),
    onSuccess: (f) => { onSaved(f); navigate(`/scoring/frameworks/${f.id}`); },
    onError: fail,
  });

  if (!Number.isInteger(id) || id < 1) return <NotFound />;
  if (fw.isPending) return <Spin aria-label={t('common.loading')} />;
  if (fw.isError) return fw.error instanceof ApiError && fw.error.status === 404 ? <NotFound /> : <ErrorNotice error={fw.error} />;
  const f = fw.data;
  const catName = (c: string) => label(t, 'category', c);
  const download = `data:application/json;charset=utf-8,${encodeURIComponent(JSON.stringify(f.definition, null, 2))}`;
  return (
    <>
      <PageTitle extra={
        <Space wrap>
          <Link to="/scoring/frameworks">{t('common.back')}</Link>
          <Button href={download} download={`${f.code}-v${f.versionNo}.json`}>{t('scoring.fw.exportJson')}</Button>
          {editable && <Button type="primary" disabled={!dirty || Boolean(parseError)} loading={save.isPending} onClick={() => save.mutate()} data-testid="fw-save">{t('common.save')}</Button>}
          {editable && (
            <Popconfirm title={t('scoring.fw.publishConfirm')} okText={t('scoring.publish')} cancelText={t('scoring.cancel')} onConfirm={() => publish.mutate()} disabled={dirty || errors.length > 0}>
              <Button disabled={dirty || errors.length > 0} loading={publish.isPending} data-testid="fw-publish">{t('scoring.publish')}</Button>
            </Popconfirm>
          )}
          {f.status === 'published' && may.editFramework(me) && <Button onClick={() => copy.mutate()} loading={copy.isPending} data-testid="fw-copy">{t('scoring.fw.newDraft')}</Button>}
        </Space>
      }>
        {pick(locale, f.nameZh, f.nameEn)} v{f.versionNo}{' '}
        {f.status === 'published' ? <Tag color="green">{t('scoring.status.published')}</Tag> : <Tag color="orange">{t('scoring.status.draft')}</Tag>}
      </PageTitle>
      {f.status === 'published'
        ? <Alert type="info" showIcon style={{ marginBottom: 12 }} data-testid="fw-readonly" title={t('scoring.fw.readOnly', { at: formatDateTime(f.publishedAt, locale) })} />
        : !may.editFramework(me) && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('scoring.fw.noEdit')} />}
      {may.editFramework(me) && (
        <Card size="small" style={{ marginBottom: 12 }}>
          {parseError
            ? <Alert type="error" role="alert" showIcon title={t('scoring.fw.jsonError')} description={parseError} />
            : errors.length === 0
              ? <Alert type="success" showIcon data-testid="fw-valid" title={validation.isFetching ? t('scoring.fw.validating') : t('scoring.fw.valid')} />
              : (
                <Alert type="error" role="alert" showIcon data-testid="fw-errors" title={t('scoring.fw.errorCount', { n: errors.length })}
                  description={<ul style={{ margin: 0, paddingLeft: 16 }}>{errors.map((e) => <li key={`${e.path}:${e.message}`}><strong>{placeOf(doc, e.path, locale, catName)}</strong>：{e.message}</li>)}</ul>} />
              )}
        </Card>
      )}
      <Segmented value={mode} onChange={(v) => setMode(v as 'form' | 'json')} style={{ marginBottom: 12 }}
        options={[{ value: 'form', label: t('scoring.fw.form') }, { value: 'json', label: 'JSON' }]} />
      {mode === 'form'
        ? (doc && !parseError ? <FrameworkForm doc={doc} errors={errors} readOnly={!editable} onChange={change} /> : <Alert type="warning" showIcon title={t('scoring.fw.fixJsonFirst')} />)
        : (
          <>
            <Input.TextArea aria-label={t('scoring.fw.jsonLabel')} data-testid="fw-json" value={text} readOnly={!editable} onChange={(e) => changeText(e.target.value)}
              autoSize={{ minRows: 16, maxRows: 40 }} style={{ fontFamily: 'monospace', fontSize: 12 }} spellCheck={false} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('scoring.fw.jsonHelp')}</Typography.Paragraph>
          </>
        )}
    </>
  );
}

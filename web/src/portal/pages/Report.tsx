// Report misconduct (我要举报 / 随手拍), phone first: what happened, optionally the category and the unit,
// where (the phone's location and/or an address), up to 9 photos and one MP4 checked before sending, anonymous or
// real-name. The answer is the receipt code, shown once: the page keeps the reporter until they say
// they have saved it.
import { Alert, Button, Card, Form, Input, Radio, Select, Space, Spin, Typography } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, formErrors, friendlyError, type Page } from '../../shared/api.ts';
import { useT, type MessageKey } from '../../shared/i18n/index.tsx';
import { CONDUCT_CATEGORIES, MAX_PHOTOS, PHOTO_TYPES, photoProblem, postForm, reportProblem, videoProblem } from '../cases.ts';
import { ReceiptStep } from './ReceiptStep.tsx';

interface Values {
  text: string;
  category?: string;
  subjectUnitCode?: string;
  address?: string;
  identity: 'anonymous' | 'realName';
  reporterName?: string;
  reporterPhone?: string;
}
interface Photo {
  file: File;
  url: string;
}

/** Debounced search of the public unit list for the subject picker. */
function useUnitSearch() {
  const [q, setQ] = useState('');
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const id = setTimeout(() => setDebounced(q.trim()), 300);
    return () => clearTimeout(id);
  }, [q]);
  const query = useQuery({
    queryKey: ['public-units', debounced],
    queryFn: () => api.get<Page<{ code: string; name: string }>>('/api/public/units', { q: debounced, pageSize: 20 }),
    enabled: debounced.length > 0,
    staleTime: 60_000,
  });
  return { setQ, units: query.data?.items ?? [], loading: query.isFetching };
}

function Location({ coords, setCoords }: { coords: { lat: number; long: number } | null; setCoords: (c: { lat: number; long: number } | null) => void }) {
  const t = useT();
  const [state, setState] = useState<'idle' | 'busy' | 'denied' | 'unavailable'>('idle');
  const locate = () => {
    if (!('geolocation' in navigator)) return setState('unavailable');
    setState('busy');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setCoords({ lat: Number(p.coords.latitude.toFixed(6)), long: Number(p.coords.longitude.toFixed(6)) });
        setState('idle');
      },
      (err) => setState(err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  return (
    <Space direction="vertical" size={4} style={{ width: '100%' }}>
      <Space wrap>
        <Button onClick={locate} loading={state === 'busy'} data-testid="report-locate">{t('cases.report.locate')}</Button>
        {coords && <Button type="link" onClick={() => setCoords(null)} aria-label={t('cases.report.clearLocation')}>{t('cases.report.clearLocation')}</Button>}
      </Space>
      {coords && <Typography.Text data-testid="report-coords">{t('cases.report.coords', { lat: coords.lat, long: coords.long })}</Typography.Text>}
      {state === 'denied' && <Typography.Text type="warning">{t('cases.report.locationDenied')}</Typography.Text>}
      {state === 'unavailable' && <Typography.Text type="warning">{t('cases.report.locationUnavailable')}</Typography.Text>}
    </Space>
  );
}

function Photos({ photos, setPhotos, serverErrors }: { photos: Photo[]; setPhotos: (p: Photo[]) => void; serverErrors: string[] }) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const add = async (list: FileList | null) => {
    if (!list) return;
    const found: string[] = [];
    const next = [...photos];
    for (const file of Array.from(list)) {
      if (next.length >= MAX_PHOTOS) {
        found.push(t('cases.photo.named', { name: file.name, problem: t('cases.photo.tooMany') }));
        continue;
      }
      const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
      const problem = photoProblem(file, head);
      if (problem) found.push(t('cases.photo.named', { name: file.name, problem: t(problem) }));
      else next.push({ file, url: URL.createObjectURL(file) });
    }
    setProblems(found);
    setPhotos(next);
    if (input.current) input.current.value = '';
  };
  const remove = (i: number) => {
    URL.revokeObjectURL(photos[i]!.url);
    setPhotos(photos.filter((_, j) => j !== i));
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <input
        ref={input}
        id="report-photos"
        type="file"
        accept={PHOTO_TYPES.join(',')}
        multiple
        style={{ display: 'none' }}
        data-testid="report-photo-input"
        onChange={(e) => void add(e.target.files)}
      />
      <Button onClick={() => input.current?.click()} disabled={photos.length >= MAX_PHOTOS} aria-describedby="report-photos-help" data-testid="report-add-photo">
        {t('cases.report.addPhotos', { n: photos.length, max: MAX_PHOTOS })}
      </Button>
      <Typography.Text type="secondary" id="report-photos-help">{t('cases.report.photosHelp')}</Typography.Text>
      {[...problems, ...serverErrors].map((p, i) => <Alert key={i} type="error" showIcon message={p} role="alert" />)}
      {photos.length > 0 && (
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 8 }} data-testid="report-previews">
          {photos.map((p, i) => (
            <div key={p.url} style={{ position: 'relative' }}>
              <img src={p.url} alt={t('cases.report.photoAlt', { n: i + 1 })} style={{ width: '100%', aspectRatio: '1', objectFit: 'cover', borderRadius: 6 }} />
              <Button size="small" danger style={{ position: 'absolute', top: 4, right: 4 }} onClick={() => remove(i)} aria-label={t('cases.report.removePhoto', { n: i + 1 })}>×</Button>
            </div>
          ))}
        </div>
      )}
    </Space>
  );
}

/** One optional MP4, checked by its first bytes before it is sent (the server checks again). */
function Video({ video, setVideo, serverError }: { video: File | null; setVideo: (f: File | null) => void; serverError: string | null }) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const pick = async (file: File | undefined) => {
    if (input.current) input.current.value = '';
    if (!file) return;
    const found = videoProblem(file, new Uint8Array(await file.slice(0, 16).arrayBuffer()));
    setProblem(found ? t('cases.photo.named', { name: file.name, problem: t(found) }) : null);
    setVideo(found ? null : file);
  };
  const shown = problem ?? serverError;
  return (
    <Space direction="vertical" size={8} style={{ width: '100%' }}>
      <input ref={input} type="file" accept="video/mp4" hidden data-testid="report-video-input" onChange={(e) => void pick(e.target.files?.[0])} />
      <Space wrap>
        <Button onClick={() => input.current?.click()} aria-describedby="report-video-help" data-testid="report-add-video">{t('cases.report.addVideo')}</Button>
        {video && <Typography.Text data-testid="report-video-name">{video.name} ({(video.size / 1048576).toFixed(1)} MB)</Typography.Text>}
        {video && <Button size="small" danger onClick={() => setVideo(null)}>{t('cases.report.removeVideo')}</Button>}
      </Space>
      <Typography.Text type="secondary" id="report-video-help">{t('cases.report.videoHelp')}</Typography.Text>
      {shown && <Typography.Text type="danger" role="alert">{shown}</Typography.Text>}
    </Space>
  );
}

export default function Report() {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const identity = Form.useWatch('identity', form);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [video, setVideo] = useState<File | null>(null);
  const [videoError, setVideoError] = useState<string | null>(null);
  const [coords, setCoords] = useState<{ lat: number; long: number } | null>(null);
  const [summary, setSummary] = useState<string | null>(null);
  const [photoErrors, setPhotoErrors] = useState<string[]>([]);
  const units = useUnitSearch();
  // Free the previews' object URLs when the page goes away (the ref sees the latest list).
  const latest = useRef(photos);
  latest.current = photos;
  useEffect(() => () => latest.current.forEach((p) => URL.revokeObjectURL(p.url)), []);

  const submit = useMutation({
    mutationFn: (v: Values) => {
      const fd = new FormData();
      fd.set('text', v.text.trim());
      if (v.category) fd.set('category', v.category);
      if (v.subjectUnitCode) fd.set('subjectUnitCode', v.subjectUnitCode);
      if (coords) {
        fd.set('lat', String(coords.lat));
        fd.set('long', String(coords.long));
      }
      if (v.address?.trim()) fd.set('address', v.address.trim());
      if (v.identity === 'realName') {
        fd.set('realName', 'true');
        fd.set('reporterName', (v.reporterName ?? '').trim());
        fd.set('reporterPhone', (v.reporterPhone ?? '').trim());
      }
      // Files after the fields: the server reads the fields first.
      for (const p of photos) fd.append('photos', p.file, p.file.name);
      if (video) fd.append('video', video, video.name);
      return postForm<{ receiptCode: string }>('/api/public/cases', fd);
    },
    onMutate: () => { setSummary(null); setPhotoErrors([]); setVideoError(null); },
    onError: (e) => {
      const all = e instanceof ApiError ? e.problem.errors ?? [] : [];
      const photoProblems = all.filter((x) => x.path.startsWith('/body/photos/')).map((x) => {
        const i = Number(x.path.split('/')[3]);
        const name = photos[i]?.file.name ?? String(i + 1);
        return t('cases.photo.named', { name, problem: t(reportProblem(x.path, x.message) ?? 'error.field') });
      });
      setPhotoErrors(photoProblems);
      const videoProblemFound = all.find((x) => x.path.startsWith('/body/video'));
      setVideoError(videoProblemFound ? t('cases.photo.named', { name: video?.name ?? 'video', problem: t(reportProblem(videoProblemFound.path, videoProblemFound.message) ?? 'error.field') }) : null);
      // File refusals are listed beside the files; the others land on their fields.
      form.setFields(formErrors(t, e, reportProblem).filter((f) => !['photos', 'video'].includes(String((f.name as unknown as (string | number)[])[0]))));
      const status = e instanceof ApiError ? e.status : -1;
      setSummary(all.length && status === 400 ? t('error.checkFields') : status === 413 ? t('cases.error.tooLarge') : friendlyError(t, e));
    },
  });

  if (submit.isSuccess) return <ReceiptStep code={submit.data.receiptCode} />;

  return (
    <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t('cases.report.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('cases.report.intro')}</Typography.Paragraph>
      {summary && <Alert role="alert" type="error" showIcon message={summary} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Form name="report" form={form} layout="vertical" onFinish={(v) => submit.mutate(v)} initialValues={{ identity: 'anonymous' }} requiredMark>
        <Form.Item name="text" label={t('cases.report.text')} rules={[{ required: true, whitespace: true, message: t('cases.error.textRequired') }]} extra={t('cases.report.textHelp')}>
          <Input.TextArea rows={5} maxLength={4000} showCount />
        </Form.Item>
        <Form.Item name="category" label={t('cases.report.category')} extra={t('cases.report.categoryHelp')}>
          <Select
            allowClear
            aria-label={t('cases.report.category')}
            placeholder={t('cases.report.categoryPlaceholder')}
            options={CONDUCT_CATEGORIES.map((c) => ({ value: c, label: t(`cases.category.${c}` as MessageKey) }))}
          />
        </Form.Item>
        <Form.Item name="subjectUnitCode" label={t('cases.report.unit')} extra={t('cases.report.unitHelp')}>
          <Select
            showSearch
            allowClear
            aria-label={t('cases.report.unit')}
            data-testid="report-unit"
            placeholder={t('cases.report.unitPlaceholder')}
            filterOption={false}
            onSearch={units.setQ}
            notFoundContent={units.loading ? <Spin size="small" /> : null}
            options={units.units.map((u) => ({ value: u.code, label: u.name }))}
          />
        </Form.Item>
        <Form.Item label={t('cases.report.location')} extra={t('cases.report.locationHelp')}>
          <Location coords={coords} setCoords={setCoords} />
        </Form.Item>
        <Form.Item name="address" label={t('cases.report.address')}>
          <Input maxLength={500} autoComplete="street-address" placeholder={t('cases.report.addressPlaceholder')} />
        </Form.Item>
        <Form.Item label={t('cases.report.photos')}>
          <Photos photos={photos} setPhotos={setPhotos} serverErrors={photoErrors} />
        </Form.Item>
        <Form.Item label={t('cases.report.video')}>
          <Video video={video} setVideo={setVideo} serverError={videoError} />
        </Form.Item>
        <Form.Item name="identity" label={t('cases.report.identity')}>
          <Radio.Group aria-label={t('cases.report.identity')} style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
            <Radio value="anonymous" data-testid="report-anonymous">{t('cases.report.anonymous')}</Radio>
            <Radio value="realName" data-testid="report-realname">{t('cases.report.realName')}</Radio>
          </Radio.Group>
        </Form.Item>
        {identity === 'realName' && (
          <>
            <Alert type="info" showIcon message={t('cases.report.encryptedNote')} style={{ marginBottom: 16 }} />
            <Form.Item name="reporterName" label={t('cases.report.name')} rules={[{ required: true, whitespace: true, message: t('cases.error.nameRequired') }]}>
              <Input autoComplete="name" maxLength={50} />
            </Form.Item>
            <Form.Item name="reporterPhone" label={t('cases.report.phone')} rules={[{ required: true, whitespace: true, message: t('cases.error.phoneRequired') }]}>
              <Input autoComplete="tel" inputMode="tel" maxLength={20} />
            </Form.Item>
          </>
        )}
        {identity !== 'realName' && <Typography.Paragraph type="secondary">{t('cases.report.anonymousNote')}</Typography.Paragraph>}
        <Button type="primary" htmlType="submit" block size="large" loading={submit.isPending} data-testid="report-submit">
          {t('cases.report.submit')}
        </Button>
      </Form>
    </Card>
  );
}

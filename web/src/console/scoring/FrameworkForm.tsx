// The structured form of a framework definition: general settings, bands, and per category variant
// its dimensions (weights, floors), indicators (weights, curve or rubric), bonus and deduction items
// (points per event, caps) and vetoes. Each validation error is shown at the thing its path names.
import { Card, Collapse, Descriptions, InputNumber, Input, Space, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n, type MessageKey } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { pick, type FrameworkDef, type Indicator } from './model.ts';

export interface FieldError { path: string; message: string }
export type Path = (string | number)[];

/** A copy of `doc` with `value` at `path`. */
export function setIn<T>(doc: T, path: Path, value: unknown): T {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
  return copy as T;
}

/** Errors whose JSON pointer (relative to the definition) is exactly `prefix` or lies under it, optionally excluding deeper children. */
export function errorsAt(errors: FieldError[], prefix: string, exceptUnder?: string): FieldError[] {
  return errors.filter((e) => (e.path === prefix || e.path.startsWith(`${prefix}/`)) && !(exceptUnder && e.path.startsWith(`${prefix}/${exceptUnder}`)));
}

const KIND_KEYS: Record<string, MessageKey> = {
  quantitative: 'scoring.itemKind.quantitative', qualitative: 'scoring.itemKind.qualitative', bonus: 'scoring.itemKind.bonus',
  deduction: 'scoring.itemKind.deduction', veto: 'scoring.itemKind.veto',
};

function Errors({ errors, testId }: { errors: FieldError[]; testId: string }) {
  if (!errors.length) return null;
  return (
    <div role="alert" data-testid={testId}>
      {errors.map((e) => <Typography.Text key={`${e.path}:${e.message}`} type="danger" style={{ display: 'block', fontSize: 12 }}>{e.message}</Typography.Text>)}
    </div>
  );
}

function curveText(i: Indicator): string {
  const c = i.curve as Record<string, unknown> | undefined;
  if (i.rubric) return i.rubric.map((r) => `${r.level}=${r.fraction}`).join(' · ');
  if (!c) return i.event ? String(i.event) : '';
  const rest = Object.entries(c).filter(([k]) => k !== 'type' && k !== 'steps').map(([k, v]) => `${k} ${v}`).join(', ');
  const steps = Array.isArray(c.steps) ? (c.steps as { threshold: number; fraction: number }[]).map((s) => `${s.threshold}→${s.fraction}`).join(' ') : '';
  return `${i.metric ?? ''} · ${String(c.type)}${rest ? ` (${rest})` : ''}${steps ? ` [${steps}]` : ''}`;
}

export function FrameworkForm({ doc, errors, readOnly, onChange }: { doc: FrameworkDef; errors: FieldError[]; readOnly: boolean; onChange: (path: Path, value: unknown) => void }) {
  const { t, locale } = useI18n();
  const num = (path: Path, value: number | undefined, aria: string, opts: { min?: number; max?: number; step?: number } = {}) => (
    <InputNumber aria-label={aria} size="small" disabled={readOnly} value={value} min={opts.min ?? 0} max={opts.max ?? 100} step={opts.step ?? 1}
      onChange={(v) => onChange(path, typeof v === 'number' ? v : 0)} style={{ width: 90 }} />
  );
  const kindTag = (k: string) => <Tag>{KIND_KEYS[k] ? t(KIND_KEYS[k]!) : k}</Tag>;
  const general: { label: MessageKey; node: ReactNode }[] = [
    { label: 'scoring.fw.code', node: <Typography.Text code>{doc.code}</Typography.Text> },
    { label: 'scoring.fw.nameZh', node: <Input aria-label={t('scoring.fw.nameZh')} size="small" disabled={readOnly} value={doc.nameZh} onChange={(e) => onChange(['nameZh'], e.target.value)} /> },
    { label: 'scoring.fw.nameEn', node: <Input aria-label={t('scoring.fw.nameEn')} size="small" disabled={readOnly} value={doc.nameEn} onChange={(e) => onChange(['nameEn'], e.target.value)} /> },
    { label: 'scoring.fw.basic', node: num(['structure', 'basic'], doc.structure?.basic, t('scoring.fw.basic')) },
    { label: 'scoring.fw.bonusCap', node: num(['structure', 'bonusCap'], doc.structure?.bonusCap, t('scoring.fw.bonusCap')) },
    { label: 'scoring.fw.deductionCap', node: num(['structure', 'deductionCap'], doc.structure?.deductionCap, t('scoring.fw.deductionCap')) },
    { label: 'scoring.fw.promotionThreshold', node: num(['promotionThreshold'], doc.promotionThreshold, t('scoring.fw.promotionThreshold')) },
    { label: 'scoring.fw.bottomShare', node: num(['bottomShare'], doc.bottomShare, t('scoring.fw.bottomShare'), { max: 1, step: 0.01 }) },
    { label: 'scoring.fw.insufficientFraction', node: num(['insufficientFraction'], doc.insufficientFraction, t('scoring.fw.insufficientFraction'), { max: 1, step: 0.05 }) },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title={t('scoring.fw.general')}>
        <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
          {general.map((g) => <Descriptions.Item key={g.label} label={t(g.label)}>{g.node}</Descriptions.Item>)}
        </Descriptions>
        <Errors errors={errors.filter((e) => /^\/(structure|nameZh|nameEn|code|promotionThreshold|bottomShare|insufficientFraction|floors|quota)\b/.test(e.path) || e.path === '' || e.path === '/')} testId="general-error" />
      </Card>
      <Card size="small" title={t('scoring.fw.bands')}>
        <Space wrap>
          {(doc.bands ?? []).map((b, i) => (
            <Space key={b.code} size={4}>
              <Tag>{pick(locale, b.nameZh, b.nameEn)}</Tag>≥{num(['bands', i, 'min'], b.min, `${pick(locale, b.nameZh, b.nameEn)} ≥`)}
            </Space>
          ))}
        </Space>
        <Errors errors={errorsAt(errors, '/bands')} testId="bands-error" />
      </Card>
      <Collapse
        defaultActiveKey={(doc.variants ?? []).map((_, i) => String(i))}
        items={(doc.variants ?? []).map((v, vi) => ({
          key: String(vi),
          label: <Space>{label(t, 'category', v.category)}{errorsAt(errors, `/variants/${vi}`).length > 0 && <Tag color="red">{t('scoring.fw.errorCount', { n: errorsAt(errors, `/variants/${vi}`).length })}</Tag>}</Space>,
          children: (
            <Space direction="vertical" style={{ width: '100%' }} data-testid={`variant-${v.category}`}>
              <Errors errors={errors.filter((e) => e.path === `/variants/${vi}` || e.path === `/variants/${vi}/dimensions` || e.path === `/variants/${vi}/category`)} testId="variant-error" />
              {v.dimensions.map((d, di) => {
                const base = `/variants/${vi}/dimensions/${di}`;
                return (
                  <Card key={d.code} size="small" data-testid={`dimension-${d.code}`}
                    title={<Space wrap>{pick(locale, d.nameZh, d.nameEn)}<span>{t('scoring.fw.weight')}</span>{num(['variants', vi, 'dimensions', di, 'weight'], d.weight, `${pick(locale, d.nameZh, d.nameEn)} ${t('scoring.fw.weight')}`)}%
                      {doc.floors?.[d.code] !== undefined && <Typography.Text type="secondary">{t('scoring.fw.floor', { n: doc.floors[d.code]! })}</Typography.Text>}</Space>}>
                    <Errors errors={errorsAt(errors, base, 'indicators/')} testId="dimension-error" />
                    <Table<Indicator> size="small" pagination={false} rowKey="code" dataSource={d.indicators} scroll={{ x: 'max-content' }}
                      columns={[
                        { title: t('scoring.indicator'), key: 'n', render: (_, i) => <Space direction="vertical" size={0}>{pick(locale, i.nameZh, i.nameEn)}<Typography.Text type="secondary" style={{ fontSize: 12 }}>{i.code}</Typography.Text></Space> },
                        { title: t('scoring.itemKind'), key: 'k', render: (_, i) => kindTag(i.kind) },
                        { title: t('scoring.fw.weight'), key: 'w', render: (_, i, ii) => num(['variants', vi, 'dimensions', di, 'indicators', ii, 'weight'], i.weight, `${pick(locale, i.nameZh, i.nameEn)} ${t('scoring.fw.weight')}`) },
                        { title: t('scoring.fw.rule'), key: 'c', render: (_, i) => <Typography.Text style={{ fontSize: 12 }}>{curveText(i)}{i.validFrom ? ` · ${i.validFrom}–${i.validTo ?? ''}` : ''}</Typography.Text> },
                        { title: t('scoring.fw.errors'), key: 'e', render: (_, _i, ii) => <Errors errors={errorsAt(errors, `${base}/indicators/${ii}`)} testId={`indicator-error-${_i.code}`} /> },
                      ]} />
                  </Card>
                );
              })}
              <Card size="small" title={t('scoring.fw.items')}>
                <Table<Indicator> size="small" pagination={false} rowKey="code" dataSource={[...(v.items ?? []), ...(v.vetoes ?? [])]} scroll={{ x: 'max-content' }}
                  columns={[
                    { title: t('scoring.indicator'), key: 'n', render: (_, i) => pick(locale, i.nameZh, i.nameEn) },
                    { title: t('scoring.itemKind'), key: 'k', render: (_, i) => kindTag(i.kind) },
                    { title: t('scoring.fw.pointsPer'), key: 'p', render: (_, i, ii) => (i.kind === 'veto' ? '—' : num(['variants', vi, 'items', ii, 'pointsPer'], i.pointsPer, `${pick(locale, i.nameZh, i.nameEn)} ${t('scoring.fw.pointsPer')}`)) },
                    { title: t('scoring.fw.cap'), key: 'c', render: (_, i, ii) => (i.kind === 'veto' ? '—' : num(['variants', vi, 'items', ii, 'cap'], i.cap, `${pick(locale, i.nameZh, i.nameEn)} ${t('scoring.fw.cap')}`)) },
                    { title: t('scoring.fw.rule'), key: 'r', render: (_, i) => <Typography.Text style={{ fontSize: 12 }}>{i.event ? String(i.event) : JSON.stringify(i.metric ?? '')}</Typography.Text> },
                    {
                      title: t('scoring.fw.errors'), key: 'e', render: (_, i, ii) => {
                        const nItems = (v.items ?? []).length;
                        const path = i.kind === 'veto' ? `/variants/${vi}/vetoes/${ii - nItems}` : `/variants/${vi}/items/${ii}`;
                        return <Errors errors={errorsAt(errors, path)} testId={`indicator-error-${i.code}`} />;
                      },
                    },
                  ]} />
              </Card>
            </Space>
          ),
        }))}
      />
    </Space>
  );
}

/** A human name for the place an error's path points at: category › dimension › indicator. */
export function placeOf(doc: FrameworkDef | null, path: string, locale: 'zh-CN' | 'en', categoryName: (c: string) => string): string {
  const m = path.match(/^\/variants\/(\d+)(?:\/(dimensions|items|vetoes)\/(\d+)(?:\/indicators\/(\d+))?)?/);
  if (!doc || !m) return path || '/';
  const v = doc.variants?.[Number(m[1])];
  if (!v) return path;
  const parts = [categoryName(v.category)];
  if (m[2] === 'dimensions') {
    const d = v.dimensions?.[Number(m[3])];
    if (d) parts.push(pick(locale, d.nameZh, d.nameEn));
    const i = m[4] !== undefined ? d?.indicators?.[Number(m[4])] : undefined;
    if (i) parts.push(pick(locale, i.nameZh, i.nameEn));
  } else if (m[2]) {
    const i = (m[2] === 'items' ? v.items : v.vetoes)?.[Number(m[3])];
    if (i) parts.push(pick(locale, i.nameZh, i.nameEn));
  }
  return parts.join(' › ');
}

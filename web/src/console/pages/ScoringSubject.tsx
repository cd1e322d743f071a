// One subject's breakdown (得分明细): total, band, rank; its dimensions; and every point gained or lost
// with its sentence (e.g. 差评整改超期1次，扣减服务为民分2分) and the evidence behind it, which opens in
// its console page (a rectification, a case) or as its ledger record. Viewing a person's breakdown is
// written to the access log by the server.
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Descriptions, Row, Space, Spin, Table, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, ApiError } from '../../shared/api.ts';
import { useI18n, type MessageKey } from '../../shared/i18n/index.tsx';
import { label } from '../labels.ts';
import { ErrorNotice, PageTitle } from '../paged.tsx';
import { EvidenceLinks } from '../scoring/Evidence.tsx';
import { DimensionRadar } from '../scoring/Radar.tsx';
import { bandColour, lineText, namesOf, pick, useFramework, useRun, type ResultDetail, type ResultItem } from '../scoring/model.ts';
import NotFound from './NotFound.tsx';

const KIND_ORDER: Record<string, number> = { veto: 0, deduction: 1, bonus: 2, quantitative: 3, qualitative: 3 };
const KIND_KEYS: Record<string, MessageKey> = {
  quantitative: 'scoring.itemKind.quantitative', qualitative: 'scoring.itemKind.qualitative', bonus: 'scoring.itemKind.bonus',
  deduction: 'scoring.itemKind.deduction', veto: 'scoring.itemKind.veto',
};

export default function ScoringSubject() {
  const { t, locale } = useI18n();
  const params = useParams();
  const [search] = useSearchParams();
  const id = Number(params.id);
  const kind = params.kind === 'staff' || params.kind === 'unit' ? params.kind : null;
  const code = params.code ?? '';
  const run = useRun(id);
  const framework = useFramework(run.data?.frameworkId);
  const q = useQuery({
    queryKey: ['scoring-result', id, kind, code],
    queryFn: () => api.get<ResultDetail>(`/api/scoring/runs/${id}/results/${kind}/${encodeURIComponent(code)}`),
    enabled: Boolean(kind) && Number.isInteger(id),
    retry: false,
  });
  const names = useMemo(() => namesOf(framework.data?.definition, locale), [framework.data, locale]);
  if (!kind || !Number.isInteger(id)) return <NotFound />;
  if (q.isPending) return <Spin aria-label={t('common.loading')} />;
  if (q.isError) return q.error instanceof ApiError && (q.error.status === 404 || q.error.status === 400) ? <NotFound /> : <ErrorNotice error={q.error} />;
  const d = q.data;
  const unitCode = search.get('unit') ?? (kind === 'unit' ? code : undefined);
  const items = [...d.items].sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9));
  const dimName = (c: string | null) => (c ? names.get(c) ?? d.dimensions.find((x) => x.code === c)?.[locale === 'en' ? 'nameEn' : 'nameZh'] ?? c : '—');
  const points = (i: ResultItem) => {
    if (i.kind === 'deduction') return <Typography.Text type={i.points > 0 ? 'danger' : undefined}>{i.points > 0 ? `−${i.points}` : '0'}</Typography.Text>;
    if (i.kind === 'bonus') return <Typography.Text type={i.points > 0 ? 'success' : undefined}>{i.points > 0 ? `+${i.points}` : '0'}</Typography.Text>;
    if (i.kind === 'veto') return <Tag color="red">{t('scoring.vetoed')}</Tag>;
    return `${i.points} / ${i.max}`;
  };
  return (
    <>
      <PageTitle extra={<Link to={`/scoring/runs/${id}`}>{t('common.back')}</Link>}>
        {t('scoring.subjectTitle', { code, kind: t(kind === 'staff' ? 'scoring.kind.staff' : 'scoring.kind.unit') })}
      </PageTitle>
      {d.veto && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('scoring.vetoed')} description={<Space direction="vertical">{lineText(locale, d.veto.explanation)}<EvidenceLinks refs={d.veto.evidence} unitCode={unitCode} /></Space>} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card>
            <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} data-testid="subject-summary">
              <Descriptions.Item label={t('scoring.total')}><strong data-testid="subject-total">{d.total}</strong></Descriptions.Item>
              <Descriptions.Item label={t('scoring.band')}><Tag color={bandColour(d.band.code)}>{pick(locale, d.band.nameZh, d.band.nameEn)}</Tag></Descriptions.Item>
              <Descriptions.Item label={t('scoring.basic')}>{d.basic}</Descriptions.Item>
              <Descriptions.Item label={t('scoring.bonusPart')}>+{d.bonus}</Descriptions.Item>
              <Descriptions.Item label={t('scoring.deductionPart')}>−{d.deduction}</Descriptions.Item>
              <Descriptions.Item label={t('scoring.rank')}>{d.rank} / {d.categorySize}</Descriptions.Item>
              <Descriptions.Item label={t('field.category')}>{label(t, 'category', d.subject.category)}</Descriptions.Item>
              <Descriptions.Item label={t('scoring.bottom')}>{d.bottom ? <Tag color="red">{t('scoring.bottomYes')}</Tag> : t('common.no')}</Descriptions.Item>
              {d.promotionEligible !== null && <Descriptions.Item label={t('scoring.promotable')}>{d.promotionEligible ? t('common.yes') : t('common.no')}</Descriptions.Item>}
              {d.subject.level && <Descriptions.Item label={t('field.staffLevel')}>{label(t, 'staffLevel', d.subject.level)}</Descriptions.Item>}
            </Descriptions>
            {d.quotaNote && <Alert style={{ marginTop: 12 }} type="info" showIcon title={lineText(locale, d.quotaNote)} />}
            <Table size="small" style={{ marginTop: 12 }} rowKey="code" pagination={false} dataSource={d.dimensions}
              columns={[
                { title: t('scoring.dimension'), key: 'n', render: (_, x) => pick(locale, x.nameZh, x.nameEn) },
                { title: t('scoring.points'), key: 'p', render: (_, x) => `${x.points} / ${x.max}` },
              ]} />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('scoring.radar')}><DimensionRadar detail={d} /></Card>
        </Col>
        <Col xs={24}>
          <Card title={t('scoring.breakdown')}>
            <Typography.Paragraph type="secondary">{t('scoring.breakdownHelp')}</Typography.Paragraph>
            <Table<ResultItem> size="small" rowKey="code" pagination={false} dataSource={items} data-testid="breakdown"
              rowClassName={(i) => `breakdown-${i.kind}`}
              columns={[
                { title: t('scoring.indicator'), key: 'i', render: (_, i) => names.get(i.code) ?? i.code },
                { title: t('scoring.itemKind'), dataIndex: 'kind', render: (k: string) => (KIND_KEYS[k] ? t(KIND_KEYS[k]!) : k) },
                { title: t('scoring.dimension'), dataIndex: 'dimension', render: dimName },
                { title: t('scoring.points'), key: 'p', render: (_, i) => points(i) },
                { title: t('scoring.explanation'), key: 'e', render: (_, i) => <span data-testid="explanation">{lineText(locale, i.explanation)}</span> },
                { title: t('scoring.evidence'), key: 'v', render: (_, i) => <EvidenceLinks refs={i.evidence} unitCode={unitCode} /> },
              ]} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
              {t('scoring.digest')}: <Typography.Text code style={{ fontSize: 12 }}>{d.digest}</Typography.Text>
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </>
  );
}

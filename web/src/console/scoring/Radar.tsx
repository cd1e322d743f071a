// The radar of a result's dimensions: each axis the share (0–100%) of the dimension's points gained.
import { useMemo } from 'react';
import { useI18n } from '../../shared/i18n/index.tsx';
import { Chart } from '../Chart.tsx';
import { pick, type ResultDetail } from './model.ts';

export function DimensionRadar({ detail, height = 300 }: { detail: ResultDetail; height?: number }) {
  const { t, locale } = useI18n();
  const option = useMemo(() => ({
    tooltip: {},
    radar: { indicator: detail.dimensions.map((d) => ({ name: pick(locale, d.nameZh, d.nameEn), max: 100 })), radius: '65%' },
    series: [{
      type: 'radar',
      data: [{ name: t('scoring.dimensionShare'), value: detail.dimensions.map((d) => (d.max > 0 ? +((d.points / d.max) * 100).toFixed(1) : 0)), areaStyle: { opacity: 0.2 } }],
    }],
  }), [detail, locale, t]);
  return <Chart option={option} height={height} label={t('scoring.radar')} />;
}

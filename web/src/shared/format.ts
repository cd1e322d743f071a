// Dates, durations and rates as people read them (Beijing time, as the server counts days).
import type { Translate } from './i18n/index.tsx';

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

export function formatRate(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
}

/** "2 天 3 小时后到期" / "逾期 5 小时" from a deadline and now. */
export function countdown(t: Translate, deadline: string | null, now = Date.now()): { text: string; overdue: boolean } {
  if (!deadline) return { text: '—', overdue: false };
  const ms = new Date(deadline).getTime() - now;
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const span = days > 0 ? t('time.daysHours', { days, hours }) : hours > 0 ? t('time.hoursMinutes', { hours, minutes }) : t('time.minutes', { minutes });
  return ms >= 0 ? { text: t('time.dueIn', { span }), overdue: false } : { text: t('time.overdueBy', { span }), overdue: true };
}

// Texts for values that come from data (statuses, actions, roles): a dictionary key when there is one,
// otherwise the raw value, so an unknown new status shows as itself instead of a missing key.
import { hasKey, type Translate } from '../shared/i18n/index.tsx';

export function label(t: Translate, prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const key = `${prefix}.${value}`;
  return hasKey(key) ? t(key) : value;
}

// Registry rules shared by the API and bulk import: one parser per record kind turns loose input
// (JSON values or CSV/XLSX cells, English or Chinese labels) into a checked record or field errors.
import type { RegionLevel, StaffLevel, StaffStatus, UnitCategory } from '../../db/types.ts';
import type { FieldError } from '../../lib/errors.ts';
import { idNumberProblem, normaliseIdNumber, normalisePhone, phoneProblem } from '../../lib/identity.ts';

export const CATEGORY_LABELS: Record<UnitCategory, string> = {
  window_service: '窗口服务类',
  law_enforcement: '执法监管类',
  general_admin: '综合管理类',
};
export const LEVEL_LABELS: Record<StaffLevel, string> = { leader: '领导干部', base: '一般干部' };
export const STATUS_LABELS: Record<StaffStatus, string> = { candidate: '拟任', active: '在职', departed: '离职' };
export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = { province: '省', city: '市', county: '县区', township: '乡镇街道' };

const CATEGORY_ALIASES: Record<string, UnitCategory> = alias(CATEGORY_LABELS, { 窗口服务: 'window_service', 执法监管: 'law_enforcement', 综合管理: 'general_admin' });
const LEVEL_ALIASES: Record<string, StaffLevel> = alias(LEVEL_LABELS, { 领导: 'leader', 一般: 'base', 基层: 'base' });
const STATUS_ALIASES: Record<string, StaffStatus> = alias(STATUS_LABELS, { 候选: 'candidate', 在岗: 'active', 调离: 'departed', 退休: 'departed' });
const REGION_LEVEL_ALIASES: Record<string, RegionLevel> = alias(REGION_LEVEL_LABELS, { 市州: 'city', 区县: 'county', 县: 'county', 区: 'county', 乡镇: 'township', 街道: 'township' });

function alias<T extends string>(labels: Record<T, string>, extra: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = { ...extra };
  for (const [key, label] of Object.entries(labels) as [T, string][]) {
    out[key] = key;
    out[label] = key;
  }
  return out;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => (m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!);

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Collects field errors while reading a loose record. */
class Reader {
  readonly errors: FieldError[] = [];
  constructor(private readonly raw: Record<string, unknown>) {}

  text(field: string, opts: { required?: boolean; max?: number } = {}): string {
    const value = this.raw[field];
    const s = value === undefined || value === null ? '' : String(value).trim();
    if (!s && opts.required) this.errors.push({ path: field, message: 'is required' });
    else if (opts.max && [...s].length > opts.max) this.errors.push({ path: field, message: `must be at most ${opts.max} characters` });
    return s;
  }

  code(field: string, required = true): string {
    const s = this.text(field, { required });
    if (s && !/^[A-Za-z0-9_.-]{1,40}$/.test(s)) this.errors.push({ path: field, message: 'must be 1–40 letters, digits, _ . -' });
    return s;
  }

  choice<T>(field: string, aliases: Record<string, T>, fallback?: T): T {
    const s = this.text(field, { required: fallback === undefined });
    if (!s) return fallback as T;
    const v = aliases[s] ?? aliases[s.toLowerCase()];
    if (v === undefined) {
      const allowed = [...new Set(Object.values(aliases))].join(', ');
      this.errors.push({ path: field, message: `"${s}" is not one of ${allowed}` });
    }
    return v as T;
  }

  date(field: string): string | null {
    const s = this.text(field);
    if (!s) return null;
    const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
    // A calendar date by arithmetic (proleptic Gregorian, as Date): no Date objects on the bulk path.
    const year = m ? Number(m[1]) : 0;
    const month = m ? Number(m[2]) : 0;
    const day = m ? Number(m[3]) : 0;
    if (!m || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      this.errors.push({ path: field, message: 'must be a date YYYY-MM-DD' });
      return null;
    }
    return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  }

  integer(field: string, min: number, max: number): number {
    const s = this.text(field, { required: true });
    const n = Number(s);
    if (s && (!Number.isInteger(n) || n < min || n > max)) this.errors.push({ path: field, message: `must be an integer ${min}–${max}` });
    return n;
  }

  result<T>(value: T): Parsed<T> {
    return this.errors.length ? { ok: false, errors: this.errors } : { ok: true, value };
  }
}

export interface RegionInput { code: string; name: string; level: RegionLevel; parentCode: string | null }
export interface UnitInput { code: string; name: string; category: UnitCategory; regionCode: string; parentCode: string | null }
export interface ServiceItemInput { code: string; name: string; unitCode: string; promisedDays: number }
export interface StaffInput {
  code: string;
  name: string;
  unitCode: string;
  position: string;
  level: StaffLevel;
  status: StaffStatus;
  enteredOn: string | null;
  departedOn: string | null;
  idNumber: string | null;
  phone: string | null;
}

export function parseRegion(raw: Record<string, unknown>): Parsed<RegionInput> {
  const r = new Reader(raw);
  const value: RegionInput = {
    code: r.code('code'),
    name: r.text('name', { required: true, max: 100 }),
    level: r.choice('level', REGION_LEVEL_ALIASES),
    parentCode: r.code('parentCode', false) || null,
  };
  if (value.level && value.level !== 'province' && !value.parentCode) r.errors.push({ path: 'parentCode', message: `a ${value.level} needs a parent region` });
  return r.result(value);
}

export function parseUnit(raw: Record<string, unknown>): Parsed<UnitInput> {
  const r = new Reader(raw);
  return r.result({
    code: r.code('code'),
    name: r.text('name', { required: true, max: 100 }),
    category: r.choice('category', CATEGORY_ALIASES),
    regionCode: r.code('regionCode'),
    parentCode: r.code('parentCode', false) || null,
  });
}

export function parseServiceItem(raw: Record<string, unknown>): Parsed<ServiceItemInput> {
  const r = new Reader(raw);
  return r.result({
    code: r.code('code'),
    name: r.text('name', { required: true, max: 200 }),
    unitCode: r.code('unitCode'),
    promisedDays: r.integer('promisedDays', 0, 365),
  });
}

export function parseStaff(raw: Record<string, unknown>): Parsed<StaffInput> {
  const r = new Reader(raw);
  const idRaw = r.text('idNumber');
  const phoneRaw = r.text('phone');
  const value: StaffInput = {
    code: r.code('code'),
    name: r.text('name', { required: true, max: 50 }),
    unitCode: r.code('unitCode'),
    position: r.text('position', { max: 100 }),
    level: r.choice('level', LEVEL_ALIASES),
    status: r.choice('status', STATUS_ALIASES, 'active' as StaffStatus),
    enteredOn: r.date('enteredOn'),
    departedOn: r.date('departedOn'),
    idNumber: idRaw ? normaliseIdNumber(idRaw) : null,
    phone: phoneRaw ? normalisePhone(phoneRaw) : null,
  };
  // Never echo the value itself: error reports must not carry personal data.
  const idProblem = value.idNumber ? idNumberProblem(value.idNumber) : null;
  if (idProblem) r.errors.push({ path: 'idNumber', message: idProblem });
  const phone = value.phone ? phoneProblem(value.phone) : null;
  if (phone) r.errors.push({ path: 'phone', message: phone });
  r.errors.push(...staffDateProblems(value));
  return r.result(value);
}

/** Lifecycle dates must fit the status: 拟任 has none, 在职 has an entry date, 离职 both. */
export function staffDateProblems(s: Pick<StaffInput, 'status' | 'enteredOn' | 'departedOn'>): FieldError[] {
  const errors: FieldError[] = [];
  if (s.status === 'active' && !s.enteredOn) errors.push({ path: 'enteredOn', message: 'is required for active staff' });
  if (s.status === 'departed' && !s.departedOn) errors.push({ path: 'departedOn', message: 'is required for departed staff' });
  if (s.status !== 'departed' && s.departedOn) errors.push({ path: 'departedOn', message: 'must be empty unless the status is departed' });
  if (s.status === 'candidate' && s.enteredOn) errors.push({ path: 'enteredOn', message: 'must be empty for a candidate' });
  if (s.enteredOn && s.departedOn && s.departedOn < s.enteredOn) errors.push({ path: 'departedOn', message: 'must not be before enteredOn' });
  return errors;
}

const STATUS_ORDER: Record<StaffStatus, number> = { candidate: 0, active: 1, departed: 2 };

/** Status only moves forward: candidate → active → departed. */
export function statusTransitionProblem(from: StaffStatus, to: StaffStatus): string | null {
  if (STATUS_ORDER[to] < STATUS_ORDER[from]) return `cannot move from ${from} back to ${to}`;
  return null;
}

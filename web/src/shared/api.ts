// The one way the apps call the server: JSON over fetch with the session cookie, and every refusal
// turned into an ApiError carrying the RFC 9457 problem (status, detail, errors[].path). Personal data
// goes in bodies, never in URLs.
import type { MessageKey, Translate } from './i18n/index.tsx';

export interface FieldProblem {
  path: string;
  message: string;
}
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
}
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status() {
    return this.problem.status;
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(url: string, query?: Query): string {
  if (!query) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${url}?${s}` : url;
}

export async function request<T>(method: string, url: string, opts: { query?: Query; body?: unknown; raw?: Blob | File; contentType?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.raw) {
    body = opts.raw;
    headers['content-type'] = opts.contentType ?? 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(withQuery(url, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError({ status: 0, title: 'network' });
  }
  const text = await res.text();
  const data = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const p = (data && typeof data === 'object' ? data : {}) as Partial<Problem>;
    throw new ApiError({ ...p, status: res.status });
  }
  return (data ?? text) as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: <T>(url: string, query?: Query) => request<T>('GET', url, { query }),
  post: <T>(url: string, body?: unknown) => request<T>('POST', url, { body: body ?? {} }),
  put: <T>(url: string, body?: unknown) => request<T>('PUT', url, { body }),
  del: <T>(url: string) => request<T>('DELETE', url),
  upload: <T>(url: string, file: File, query?: Query) =>
    request<T>('POST', withQuery(url, query), { raw: file, contentType: file.name.toLowerCase().endsWith('.csv') ? 'text/csv' : 'application/octet-stream' }),
};

const STATUS_KEYS: Record<number, MessageKey> = {
  0: 'error.network',
  400: 'error.validation',
  401: 'error.unauthorized',
  403: 'error.forbidden',
  404: 'error.notFound',
  409: 'error.conflict',
  413: 'error.tooLarge',
  415: 'error.unsupported',
  429: 'error.rateLimited',
};

/** A friendly sentence in the user's language for any refusal. */
export function friendlyError(t: Translate, error: unknown): string {
  if (error instanceof ApiError) return t(STATUS_KEYS[error.status] ?? 'error.server');
  return t('error.server');
}

/**
 * Field errors for an antd Form from a problem: `/body/transactionCode` → field `transactionCode`,
 * `/body/realName/phone` → ['realName', 'phone']. `messages` gives friendly texts for known
 * (field, server message) pairs; otherwise the generic "please check this field" is shown.
 */
export function formErrors(
  t: Translate,
  error: unknown,
  known: (path: string, message: string) => MessageKey | undefined = () => undefined,
  // `name` is typed never so the list fits any form's typed field names (antd checks them statically).
): { name: never; errors: string[] }[] {
  if (!(error instanceof ApiError) || !error.problem.errors) return [];
  return error.problem.errors
    .filter((e) => e.path.startsWith('/body/'))
    .map((e) => {
      const name = e.path.slice('/body/'.length).split('/').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      const key = known(e.path, e.message);
      return { name: name as never, errors: [key ? t(key) : t('error.field')] };
    });
}

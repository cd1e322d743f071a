// The reporter's side of complaint cases (投诉举报 / 随手拍): the multipart report and the follow-up by
// receipt code (always in a POST body, never in a URL). The pure checks live in case-checks.ts.
import { ApiError, type Problem } from '../shared/api.ts';

export * from './case-checks.ts';

export interface PublicCase {
  status: string;
  statusName: string;
  category: { code: string; nameZh: string; nameEn: string };
  unit: { code: string; name: string };
  submittedAt: string;
  firstResponseDue: string;
  dueAt: string | null;
  finding: string | null;
  findingName: string | null;
  measures: string | null;
  rejectReason: string | null;
  media: number;
  canReopenUntil: string | null;
  merged: boolean;
  timeline: { action: string; status: string; statusName: string; unit: string | null; detail: Record<string, unknown>; at: string }[];
  messages: { id: number; from: 'reporter' | 'handler'; unit: string | null; body: string; at: string }[];
}

/** POST a FormData; refusals become ApiError with the RFC 9457 problem, as everywhere else. */
export async function postForm<T>(url: string, form: FormData): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: form, headers: { accept: 'application/json' }, credentials: 'same-origin' });
  } catch {
    throw new ApiError({ status: 0, title: 'network' });
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) throw new ApiError({ ...((data && typeof data === 'object' ? data : {}) as Partial<Problem>), status: res.status });
  return data as T;
}

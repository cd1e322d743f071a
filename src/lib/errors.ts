// The one error type of the project. Services throw it; the HTTP layer renders it as RFC 9457
// application/problem+json, and the CLI prints its title and detail on one line.

export interface FieldError {
  /** JSON-pointer-like path of the offending field, e.g. "/body/idNumber" or "row 12/phone". */
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class AppError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors?: FieldError[];

  constructor(status: number, detail: string, options: { type?: string; title?: string; errors?: FieldError[] } = {}) {
    super(detail);
    this.name = 'AppError';
    this.status = status;
    this.title = options.title ?? TITLES[status] ?? 'Error';
    this.type = options.type ?? `https://probity.local/problems/${slug(this.title)}`;
    if (options.errors && options.errors.length > 0) this.errors = options.errors;
  }

  toProblem(): Problem {
    const problem: Problem = { type: this.type, title: this.title, status: this.status, detail: this.message };
    if (this.errors) problem.errors = this.errors;
    return problem;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/(^-|-$)/g, '');
}

export const badRequest = (detail: string, errors?: FieldError[]) => new AppError(400, detail, { errors });
export const validationFailed = (errors: FieldError[]) =>
  new AppError(400, `${errors.length} field(s) failed validation`, { title: 'Validation Failed', errors });
export const unauthorized = (detail = 'Sign in first') => new AppError(401, detail);
export const forbidden = (detail = 'Your role may not do this') => new AppError(403, detail);
/** Out-of-scope records use this too, so that their existence does not leak. */
export const notFound = (what: string) => new AppError(404, `${what} not found`);
export const conflict = (detail: string, errors?: FieldError[]) => new AppError(409, detail, { errors });
export const tooManyRequests = (detail: string) => new AppError(429, detail);

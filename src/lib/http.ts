// HTTP-side rendering of the one error type, shared by the app's handlers.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError, type Problem } from './errors.ts';

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** One entry per bad field, with a path rooted at the part of the request it came from. */
export function fieldErrorsFromValidation(validation: AjvError[], context: string | undefined): FieldError[] {
  const root = `/${context ?? 'body'}`;
  return validation.map((e) => {
    const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : '';
    const extra = e.keyword === 'additionalProperties' ? `/${String(e.params.additionalProperty)}` : '';
    const message = e.keyword === 'additionalProperties' ? 'is not an allowed field' : (e.message ?? 'is invalid');
    return { path: `${root}${e.instancePath}${missing}${extra}`, message };
  });
}

export function problemFromError(error: FastifyError | AppError | Error, request: FastifyRequest): Problem {
  if (error instanceof AppError) return error.toProblem();
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const errors = fieldErrorsFromValidation(fe.validation, fe.validationContext);
    return new AppError(400, `${errors.length} field(s) failed validation`, { title: 'Validation Failed', errors }).toProblem();
  }
  const status = fe.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'unhandled error');
    return new AppError(500, 'An unexpected error occurred; it has been logged').toProblem();
  }
  // Fastify's own 4xx (body too large, bad JSON, unsupported media type...) keep their message.
  return new AppError(status, fe.message).toProblem();
}

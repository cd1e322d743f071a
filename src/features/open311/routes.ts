// Open311 GeoReport v2 HTTP under /open311/v2: every resource as .json and .xml, errors as the spec's
// error list (code + description) in the same format, POST form-encoded as the spec says. One admin
// route under /api issues client API keys.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { AppError } from '../../lib/errors.ts';
import type { CasesDeps } from '../cases/intake.ts';
import { casesDeps } from '../cases/routes.ts';
import { addClient, discovery, getRequest, getRequests, getToken, listServices, Open311Error, postRequest, serviceDefinition, type RequestForm } from './service.ts';
import { toXml, type XmlValue } from './xml.ts';

type Format = 'json' | 'xml';

const ROOTS = { discovery: 'discovery', services: 'services', definition: 'service_definition', requests: 'service_requests', errors: 'errors' } as const;

function send(reply: FastifyReply, format: Format, root: keyof typeof ROOTS, value: unknown, status = 200) {
  reply.status(status);
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(ROOTS[root], value as XmlValue));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(value));
}

/** `name.json` → ['name', 'json']; anything else is a 404 in JSON. */
function split(file: string): [string, Format] {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m) throw new Open311Error(404, 'resources end in .json or .xml');
  return [m[1]!, m[2] as Format];
}

/** application/x-www-form-urlencoded → fields, with attribute[code] gathered into `attributes`. */
export function parseForm(body: string): RequestForm {
  const form: RequestForm = {};
  const attributes: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const m = /^attribute\[([^\]]{1,64})\]$/.exec(k);
    if (m) attributes[m[1]!] = v;
    else if (!(k in form)) form[k] = v;
  }
  form.attributes = attributes;
  return form;
}

export async function open311Routes(app: FastifyInstance, opts: { ctx: AppContext; deps?: CasesDeps }) {
  const deps = opts.deps ?? casesDeps(opts.ctx);
  const { db } = deps;
  const formatOf = (request: FastifyRequest): Format => (/\.xml(\?|$)/.test(request.url) ? 'xml' : 'json');

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, parseForm(body as string)));
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = error instanceof Open311Error ? error.status : error instanceof AppError ? error.status : error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'open311 request failed');
    const description = status >= 500 ? 'internal error' : error.message;
    return send(reply, formatOf(request), 'errors', [{ code: status, description }], status);
  });
  app.setNotFoundHandler((request, reply) => send(reply, formatOf(request), 'errors', [{ code: 404, description: `no resource ${request.url.split('?')[0]}` }], 404));

  const hide = { hide: true };
  const baseUrl = (r: FastifyRequest) => `${r.protocol}://${r.host}`;
  for (const format of ['json', 'xml'] as const) {
    app.get(`/discovery.${format}`, { schema: hide }, async (request, reply) => send(reply, format, 'discovery', discovery(baseUrl(request))));
    app.get(`/services.${format}`, { schema: hide }, async (_request, reply) => send(reply, format, 'services', await listServices(db)));
    app.get(`/requests.${format}`, { schema: hide }, async (request, reply) => send(reply, format, 'requests', await getRequests(db, request.query as Record<string, string>)));
    app.post(`/requests.${format}`, { schema: hide, config: { rateLimit: { max: deps.settings.publicRateLimit, timeWindow: '1 minute' } } }, async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') throw new Open311Error(400, 'a service request is posted as application/x-www-form-urlencoded');
      return send(reply, format, 'requests', await postRequest(deps, request.body as RequestForm), 201);
    });
  }
  app.get<{ Params: { file: string } }>('/services/:file', { schema: hide }, async (request, reply) => {
    const [code, format] = split(request.params.file);
    return send(reply, format, 'definition', await serviceDefinition(db, code));
  });
  app.get<{ Params: { file: string } }>('/requests/:file', { schema: hide }, async (request, reply) => {
    const [id, format] = split(request.params.file);
    return send(reply, format, 'requests', await getRequest(db, id));
  });
  app.get<{ Params: { file: string } }>('/tokens/:file', { schema: hide }, async (request, reply) => {
    const [token, format] = split(request.params.file);
    return send(reply, format, 'requests', await getToken(db, token));
  });
}

/** The admin side: issuing API keys to client apps (shown once). Registered under /api. */
export async function open311AdminRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const Body = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false });
  app.post<{ Body: { name: string; unitCode?: string } }>(
    '/open311/clients',
    { schema: { tags: ['open311'], summary: 'Issue an API key for an Open311 client app (admin); the key is shown once', body: Body } },
    async (request, reply) => reply.status(201).send(await addClient(opts.ctx.db, request.principal, request.body)),
  );
}

// Registry HTTP: parse, call the service, shape the reply. Every permission check is in the services.
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import type { AppContext } from '../../context.ts';
import { pageOf, type Page } from '../../lib/pagination.ts';
import type { Principal } from '../auth/principal.ts';
import * as S from './schema.ts';
import * as registry from './service.ts';
import * as staff from './staff-service.ts';

type Row = Record<string, unknown>;

interface Resource {
  path: string;
  tag: string;
  item: TSchema;
  query: TSchema;
  body: TSchema;
  patch: TSchema;
  list: (p: Principal | null, q: any) => Promise<Page<Row>>;
  get: (p: Principal | null, code: string) => Promise<Row>;
  create: (p: Principal | null, body: Row) => Promise<string>;
  update: (p: Principal | null, code: string, body: Row) => Promise<string>;
}

/** The same five routes for every registry resource: list, get, create, update. */
function resource(app: FastifyInstance, r: Resource) {
  app.get(`/${r.path}`, { schema: { tags: [r.tag], querystring: r.query, response: { 200: pageOf(r.item) } } }, async (req) =>
    r.list(req.principal, req.query),
  );
  app.get<{ Params: { code: string } }>(`/${r.path}/:code`, { schema: { tags: [r.tag], params: S.CodeParams, response: { 200: r.item } } }, async (req) =>
    r.get(req.principal, req.params.code),
  );
  app.post<{ Body: Row }>(`/${r.path}`, { schema: { tags: [r.tag], body: r.body, response: { 201: r.item } } }, async (req, reply) => {
    const code = await r.create(req.principal, req.body);
    return reply.status(201).header('location', `/api/${r.path}/${code}`).send(await r.get(req.principal, code));
  });
  app.patch<{ Params: { code: string }; Body: Row }>(
    `/${r.path}/:code`,
    { schema: { tags: [r.tag], params: S.CodeParams, body: r.patch, response: { 200: r.item } } },
    async (req) => {
      await r.update(req.principal, req.params.code, req.body);
      return r.get(req.principal, req.params.code);
    },
  );
}

export async function registryRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { db, cipher } = opts.ctx;
  const deps = { db, cipher };
  const update = <T extends { code: string }>(kind: registry.Kind<T>, get: (p: Principal | null, c: string) => Promise<Row>) =>
    async (p: Principal | null, code: string, body: Row) => registry.writeOne(db, p, kind, body, { create: false, code, load: () => get(p, code) });

  const getRegion = (p: Principal | null, c: string) => registry.getRegion(db, p, c);
  resource(app, {
    path: 'regions', tag: 'registry', item: S.Region, query: S.RegionQuery, body: S.RegionBody, patch: S.RegionPatch,
    list: (p, q) => registry.listRegions(db, p, q), get: getRegion,
    create: (p, b) => registry.writeOne(db, p, registry.REGION, b, { create: true }), update: update(registry.REGION, getRegion),
  });

  const getUnit = (p: Principal | null, c: string) => registry.getUnit(db, p, c);
  resource(app, {
    path: 'units', tag: 'registry', item: S.Unit, query: S.UnitQuery, body: S.UnitBody, patch: S.UnitPatch,
    list: (p, q) => registry.listUnits(db, p, q), get: getUnit,
    create: (p, b) => registry.writeOne(db, p, registry.UNIT, b, { create: true }), update: update(registry.UNIT, getUnit),
  });

  const getService = (p: Principal | null, c: string) => registry.getServiceItem(db, p, c);
  resource(app, {
    path: 'service-items', tag: 'registry', item: S.ServiceItem, query: S.ServiceItemQuery, body: S.ServiceItemBody, patch: S.ServiceItemPatch,
    list: (p, q) => registry.listServiceItems(db, p, q), get: getService,
    create: (p, b) => registry.writeOne(db, p, registry.SERVICE_ITEM, b, { create: true }), update: update(registry.SERVICE_ITEM, getService),
  });

  // Staff reads are personal-archive views: the detail route logs access, and reveals need a reason.
  app.get<{ Params: { code: string }; Querystring: { reveal?: boolean; reason?: string } }>(
    '/staff/:code',
    { schema: { tags: ['registry'], params: S.CodeParams, querystring: S.StaffGetQuery, response: { 200: S.Staff } } },
    async (req) => staff.getStaff(deps, req.principal, req.params.code, req.query),
  );
  app.get('/staff', { schema: { tags: ['registry'], querystring: S.StaffQuery, response: { 200: pageOf(S.Staff) } } }, async (req) =>
    staff.listStaff(deps, req.principal, req.query as any),
  );
  app.post<{ Body: Row }>('/staff', { schema: { tags: ['registry'], body: S.StaffBody, response: { 201: S.Staff } } }, async (req, reply) => {
    const code = await staff.createStaff(deps, req.principal, req.body);
    return reply.status(201).header('location', `/api/staff/${code}`).send(await staff.getStaff(deps, req.principal, code));
  });
  app.patch<{ Params: { code: string }; Body: Row }>(
    '/staff/:code',
    { schema: { tags: ['registry'], params: S.CodeParams, body: S.StaffPatch, response: { 200: S.Staff } } },
    async (req) => {
      await staff.updateStaff(deps, req.principal, req.params.code, req.body);
      return staff.getStaff(deps, req.principal, req.params.code);
    },
  );
}

// Calendar HTTP: parse, call the service, shape the reply. Permission checks are in the service.
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { AppContext } from '../../context.ts';
import * as S from './schema.ts';
import * as calendar from './service.ts';

export async function calendarRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { db } = opts.ctx;
  // A calendar file is small: it is read whole (as bytes, decoded as UTF-8 or GB18030 by the service).
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get<{ Querystring: Static<typeof S.CalendarQuery> }>(
    '/calendar',
    { schema: { tags: ['calendar'], summary: 'Holidays and make-up working days in a range (default: this year)', querystring: S.CalendarQuery, response: { 200: S.CalendarRange } } },
    async (req) => calendar.listCalendar(db, req.principal, req.query),
  );

  app.get<{ Querystring: Static<typeof S.DeadlineQuery> }>(
    '/calendar/working-days',
    { schema: { tags: ['calendar'], summary: 'The deadline N working days after an instant', querystring: S.DeadlineQuery, response: { 200: S.Deadline } } },
    async (req) => calendar.workingDeadline(db, req.principal, req.query),
  );

  app.put<{ Params: Static<typeof S.DateParams>; Body: Static<typeof S.DayBody> }>(
    '/calendar/days/:date',
    { schema: { tags: ['calendar'], summary: 'Set the exception of one day (201 when new)', params: S.DateParams, body: S.DayBody, response: { 200: S.CalendarDay, 201: S.CalendarDay } } },
    async (req, reply) => {
      const { created, day } = await calendar.putDay(db, req.principal, req.params.date, req.body);
      return reply.status(created ? 201 : 200).send(day);
    },
  );

  app.delete<{ Params: Static<typeof S.DateParams> }>(
    '/calendar/days/:date',
    { schema: { tags: ['calendar'], summary: 'Remove the exception of one day', params: S.DateParams, response: { 204: { type: 'null' } } } },
    async (req, reply) => {
      await calendar.deleteDay(db, req.principal, req.params.date);
      return reply.status(204).send();
    },
  );

  app.post(
    '/calendar/import',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Import a CSV (raw body, text/csv): date, kind, name (日期, 类型, 名称); bad rows reported, good rows kept',
        response: { 200: S.ImportReport },
      },
    },
    async (req) => calendar.importCalendar(db, req.principal, Buffer.isBuffer(req.body) ? req.body : req.body === undefined ? Buffer.alloc(0) : null),
  );
}

// A small hand-made third quarter of 2025 for the metric library and integrity points. Two people:
// A (the demo account "staff", active in 临溪区政务服务中心 P) and B (another active person), units P and
// its sub-unit C. The expected numbers are worked out in the tests that use it (metrics, integrity).
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types.ts';
import { insertAuditFindings, insertCases, insertHotline, insertProposals, insertRatings, insertTraining } from './evidence.ts';
import { insertTransactions, NATIONAL_DAY_2025, seedCalendar, type TransactionSpec } from './transactions.ts';

export const P = 'U99010201'; // 临溪区政务服务中心
export const C = 'U99010202'; // its sub-unit 综合受理窗口
export const bj = (local: string) => new Date(`${local}+08:00`);

export interface MetricsData {
  a: number; b: number; p: number; c: number;
  ratings: Awaited<ReturnType<typeof insertRatings>>;
  hotline: Map<string, number>;
  proposals: Map<string, number>;
  training: Map<string, number>;
  audits: Map<string, number>;
  cases: Map<string, number>;
}

export async function loadMetricsData(db: Kysely<DB>): Promise<MetricsData> {
  await seedCalendar(db, NATIONAL_DAY_2025);
  const a = (await db.selectFrom('users').innerJoin('staff', 'staff.id', 'users.staff_id').select('staff.id').where('users.username', '=', 'staff').executeTakeFirstOrThrow()).id;
  const b = (await db.selectFrom('staff').select('id').where('status', '=', 'active').where('id', '<>', a).orderBy('id').executeTakeFirstOrThrow()).id;
  const units = new Map((await db.selectFrom('units').select(['id', 'code']).where('code', 'in', [P, C]).execute()).map((u) => [u.code, u.id]));
  const done = (code: string, unitCode: string, handler: number | null, accepted: string, completed: string, promisedDays: number | null): TransactionSpec =>
    ({ code, unitCode, handlerStaffId: handler, acceptedAt: bj(accepted), completedAt: bj(completed), promisedDays });
  const open = (code: string, unitCode: string, handler: number): TransactionSpec =>
    ({ code, unitCode, handlerStaffId: handler, acceptedAt: bj('2025-06-20T10:00:00'), status: 'accepted' });
  await insertTransactions(db, [
    done('A1', P, a, '2025-09-01T09:00:00', '2025-09-03T16:00:00', 3),
    done('A2', P, a, '2025-09-01T09:00:00', '2025-09-05T16:00:00', 3),
    done('A3', P, a, '2025-09-05T10:00:00', '2025-09-08T10:00:00', 1),
    done('A4', P, a, '2025-09-10T09:00:00', '2025-09-10T15:00:00', 0),
    done('A5', P, b, '2025-09-10T09:00:00', '2025-09-11T09:00:00', 0),
    done('A6', C, b, '2025-09-26T10:00:00', '2025-09-28T10:00:00', 1),
    done('A7', P, a, '2025-09-29T09:00:00', '2025-10-09T09:00:00', 3),
    done('A8', P, a, '2025-09-12T09:00:00', '2025-09-12T10:00:00', null),
    done('A9', P, null, '2025-09-15T09:00:00', '2025-09-17T09:00:00', 5),
    done('A10', P, a, '2025-06-30T09:00:00', '2025-07-01T10:00:00', 2),
    done('A11', P, a, '2025-06-30T09:00:00', '2025-06-30T23:30:00', 2),
    ...(['R1', 'R2', 'R3', 'R4', 'R5', 'R9', 'R10'] as const).map((c) => open(c, P, a)),
    open('R6', P, b), open('R7', C, b), open('R8', P, b),
  ]);
  const ratings = await insertRatings(db, [
    { transactionCode: 'R1', level: 5, ratedAt: bj('2025-08-01T10:00:00') },
    { transactionCode: 'R2', level: 4, ratedAt: bj('2025-08-02T10:00:00') },
    { transactionCode: 'R3', level: 2, ratedAt: bj('2025-09-02T10:00:00'),
      rectification: { opened: bj('2025-09-02T10:00:00'), due: bj('2025-09-10T23:59:59'), closed: bj('2025-09-05T10:00:00') } },
    { transactionCode: 'R4', level: 1, ratedAt: bj('2025-09-11T10:00:00'), rectification: { opened: bj('2025-09-11T10:00:00'), due: bj('2025-09-20T23:59:59') } },
    { transactionCode: 'R5', level: 1, ratedAt: bj('2025-09-12T10:00:00'), excluded: true },
    { transactionCode: 'R6', level: 3, ratedAt: bj('2025-08-15T10:00:00') },
    { transactionCode: 'R7', level: 1, ratedAt: bj('2025-09-29T10:00:00'),
      rectification: { opened: bj('2025-09-29T10:00:00'), due: bj('2025-10-09T23:59:59'), closed: bj('2025-10-05T10:00:00') } },
    { transactionCode: 'R8', level: 2, ratedAt: bj('2025-09-20T10:00:00'),
      rectification: { opened: bj('2025-09-20T10:00:00'), due: bj('2025-09-30T23:59:59'), closed: bj('2025-09-22T10:00:00'), markedFalse: bj('2025-09-25T10:00:00') } },
    { transactionCode: 'R9', level: 4, ratedAt: bj('2025-10-01T00:00:00') },
    { transactionCode: 'R10', level: 5, ratedAt: bj('2025-07-01T00:00:00') },
  ]);
  const hotline = await insertHotline(db, [
    { id: 'H1', unitCode: P, received: bj('2025-09-01T10:00:00'), responded: bj('2025-09-02T09:00:00'), resolved: bj('2025-09-03T09:00:00') },
    { id: 'H2', unitCode: P, received: bj('2025-09-03T10:00:00'), responded: bj('2025-09-04T11:00:00'), resolved: bj('2025-09-08T09:00:00') },
    { id: 'H3', unitCode: P, received: bj('2025-09-05T10:00:00') },
    { id: 'H4', unitCode: P, received: bj('2025-06-30T20:00:00') },
  ]);
  const proposals = await insertProposals(db, [
    { id: 'PR1', unitCode: P, received: '2025-07-01', due: '2025-09-10', answered: '2025-09-08' },
    { id: 'PR2', unitCode: P, received: '2025-07-01', due: '2025-09-15', answered: '2025-09-20' },
    { id: 'PR3', unitCode: P, received: '2025-07-01', due: '2025-09-30' },
    { id: 'PR4', unitCode: P, received: '2025-07-01', due: '2025-10-10' },
  ]);
  const training = await insertTraining(db, [
    { id: 'TR1', staffId: a, course: '政务服务规范', hours: 20, completed: '2025-09-01' },
    { id: 'TR2', staffId: a, course: '廉政教育', hours: 5.5, completed: '2025-07-15' },
    { id: 'TR3', staffId: a, course: '上季度课程', hours: 10, completed: '2025-06-30' },
  ]);
  const audits = await insertAuditFindings(db, [
    { id: 'AF1', unitCode: P, staffId: a, found: '2025-08-10', severity: 'major', summary: '违规收取费用' },
    { id: 'AF2', unitCode: P, found: '2025-09-01', severity: 'minor', summary: '台账不全' },
    { id: 'AF3', unitCode: P, staffId: a, found: '2025-10-02', severity: 'severe', summary: '下季度发现' },
  ]);
  const cases = await insertCases(db, [
    { id: 'CS1', unitCode: P, subjectUnitCode: P, subjectStaffId: a, submitted: bj('2025-08-05T10:00:00'), responded: bj('2025-08-05T15:00:00'), finding: 'substantiated', resolved: bj('2025-08-20T10:00:00') },
    { id: 'CS2', unitCode: P, subjectUnitCode: P, subjectStaffId: a, submitted: bj('2025-09-01T10:00:00'), responded: bj('2025-09-03T09:00:00'), finding: 'unsubstantiated', resolved: bj('2025-09-10T10:00:00') },
    { id: 'CS3', unitCode: P, subjectUnitCode: P, subjectStaffId: a, submitted: bj('2025-09-02T10:00:00'), mergedInto: 'CS2' },
    { id: 'CS4', unitCode: C, submitted: bj('2025-09-10T10:00:00'), reopenCount: 1, finding: 'partly', resolved: bj('2025-10-02T10:00:00') },
    { id: 'CS5', unitCode: P, subjectStaffId: a, submitted: bj('2025-09-05T10:00:00'), responded: bj('2025-09-05T11:00:00'), status: 'rejected' },
    { id: 'CS6', unitCode: P, subjectStaffId: b, submitted: bj('2025-06-29T10:00:00'), responded: bj('2025-06-29T12:00:00'), finding: 'partly', resolved: bj('2025-07-03T10:00:00') },
  ]);
  return { a, b, p: units.get(P)!, c: units.get(C)!, ratings, hotline, proposals, training, audits, cases };
}

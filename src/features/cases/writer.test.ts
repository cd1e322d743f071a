// Group commit of new cases: reports submitted together are written in shared transactions, and each
// caller gets back its own case (text, receipt code, media, first event), all in the ledger.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { verifyDatabase } from '../../ledger/verify-db.ts';
import { checkNewCase, prepareCase, type CasesDeps } from './intake.ts';
import { verifyReceipt } from './receipt.ts';
import { casesDeps } from './routes.ts';
import { CaseWriter } from './writer.ts';

let t: TestApp;
let deps: CasesDeps;

beforeAll(async () => {
  t = await startTestApp({ demoStaff: 10 });
  const base = casesDeps(t.ctx);
  deps = { ...base, writer: new CaseWriter(t.ctx.db, base.settings.firstResponseHours, { maxInFlight: 1, maxBatch: 8 }) };
});
afterAll(async () => t?.close());

describe('CaseWriter', () => {
  it('gives each of 30 concurrent reports its own stored case, receipt, media and event', async () => {
    const checked = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      checkNewCase(deps, { text: `第${i}号：窗口人员办事拖拉，来回跑了${i + 2}次`, subjectUnitCode: 'U99010201' }, { realName: false })));
    const link = (i: number) => [{ kind: 'link' as const, mime: 'image/jpeg', sha256: null, thumbSha256: null, bytes: null, width: null, height: null, url: `https://example.org/p/${i}.jpg` }];
    // Prepared first (the slow receipt hash), then handed to the writer together, as under load.
    const prepared = await Promise.all(checked.map((c, i) =>
      prepareCase(deps, c, { channel: 'web', anonymousReceipt: true, media: i % 3 === 0 ? link(i) : [], actor: { userId: null, role: 'reporter' } })));
    const created = await Promise.all(prepared.map(async (p) => ({ ...(await deps.writer!.submit(p)), receiptCode: p.receiptCode })));

    expect(new Set(created.map((c) => c.id)).size).toBe(30);
    for (const [i, c] of created.entries()) {
      const row = await t.ctx.db.selectFrom('cases').select(['text', 'receipt_hash', 'receipt_id']).where('id', '=', c.id).executeTakeFirstOrThrow();
      expect(row.text).toBe(checked[i]!.text);
      expect(row.receipt_id).toBe(c.receiptCode!.slice(0, 10));
      expect(await verifyReceipt(c.receiptCode!, row.receipt_hash!)).toBe(true);
      const media = await t.ctx.db.selectFrom('case_media').select('url').where('case_id', '=', c.id).execute();
      expect(media.map((m) => m.url)).toEqual(i % 3 === 0 ? [`https://example.org/p/${i}.jpg`] : []);
      const events = await t.ctx.db.selectFrom('case_events').select(['action', 'detail']).where('case_id', '=', c.id).execute();
      expect(events).toHaveLength(1);
      expect(events[0]!.action).toBe('submit');
    }
    // Written in batches (rows of one transaction share their xmin), every case and event in the ledger.
    const { rows } = await sql<{ n: number }>`select count(distinct xmin::text)::int as n from cases where id = any(${created.map((c) => c.id)}::int[])`.execute(t.ctx.db);
    expect(rows[0]!.n).toBeGreaterThan(1);
    expect(rows[0]!.n).toBeLessThanOrEqual(5); // 1 + 8 + 8 + 8 + 5
    const entries = await t.ctx.db.selectFrom('ledger_entries').select(['record_type', 'record_id']).where('record_type', 'in', ['case', 'case.event']).execute();
    for (const c of created) expect(entries.some((e) => e.record_type === 'case' && e.record_id === String(c.id))).toBe(true);
    expect(entries.filter((e) => e.record_type === 'case.event')).toHaveLength(30);
    const report = await verifyDatabase(t.ctx);
    expect(report.problems).toEqual([]);
  });
});

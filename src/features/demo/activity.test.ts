// The demo year: deterministic, skewed between units, and loaded through the product's own paths —
// rectifications in every state, ledger entries for everything (verify --database passes), once.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { integrateAll } from '../../ledger/integrator.ts';
import { keygen } from '../../ledger/note.ts';
import { verifyDatabase } from '../../ledger/verify-db.ts';
import { unitMetrics } from '../ratings/metrics-service.ts';
import { DEMO_YEAR, demoTransactionsFromEnv, generateDemoActivity } from './activity.ts';
import { loadDemoActivity } from './activity-service.ts';
import { generateDemoProvince } from './generator.ts';

const items = generateDemoProvince({ staff: 0 }).serviceItems;
const COUNT = 5000;

describe('generateDemoActivity', () => {
  it('is deterministic, within the year, and a few units are clearly worse', () => {
    const a = generateDemoActivity(items, { transactions: 2000, seed: 's' });
    expect(generateDemoActivity(items, { transactions: 2000, seed: 's' })).toEqual(a);
    expect(generateDemoActivity(items, { transactions: 2000, seed: 't' }).ratings).not.toEqual(a.ratings);
    expect(a.transactions).toHaveLength(2000);
    expect(a.worseUnits).toHaveLength(3);
    for (const t of a.transactions) {
      const at = Date.parse(String(t.acceptedAt));
      expect(at >= DEMO_YEAR.start && at < DEMO_YEAR.end).toBe(true);
    }
    const big = generateDemoActivity(items, { transactions: 40_000 });
    const unitOf = new Map(big.transactions.map((t) => [t.transactionCode, items.find((i) => i.code === t.serviceItemCode)!.unitCode]));
    const rate = (worse: boolean) => {
      const rs = big.ratings.filter((r) => big.worseUnits.includes(unitOf.get(r.transactionCode)!) === worse);
      return rs.filter((r) => r.level <= 2).length / rs.length;
    };
    expect(rate(true)).toBeGreaterThan(0.2);
    expect(rate(false)).toBeLessThan(0.06);
    expect(demoTransactionsFromEnv({})).toBe(5_000);
    expect(demoTransactionsFromEnv({ PROBITY_DEMO_TRANSACTIONS: '500' })).toBe(500);
    expect(() => demoTransactionsFromEnv({ PROBITY_DEMO_TRANSACTIONS: 'many' })).toThrow(/PROBITY_DEMO_TRANSACTIONS/);
  });
});

describe('loadDemoActivity', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demoStaff: 20, config: { ledgerKey: keygen('probity.local/ledger').signerKey } });
  }, 300_000);
  afterAll(async () => t?.close());

  it('loads a year through the services: every rectification state, entries for all, once', async () => {
    const started = Date.now();
    const first = await loadDemoActivity({ db: t.ctx.db, cipher: t.ctx.cipher }, items, { transactions: COUNT, now: new Date('2026-11-01T00:00:00Z') });
    const seconds = (Date.now() - started) / 1000;
    expect(first).toMatchObject({ transactions: COUNT, skipped: false });
    expect(first.ratings).toBeGreaterThan(COUNT / 2);
    console.log(`demo year of ${COUNT} transactions loaded in ${seconds.toFixed(1)} s`);

    const count = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(t.ctx.db)).rows[0]!.n;
    expect(await count(sql`select count(*)::int as n from service_transactions where transaction_code like 'DMT%'`)).toBe(COUNT);
    expect(await count(sql`select count(*)::int as n from hotline_tickets where external_id like 'DEMO-H%'`)).toBe(Math.ceil(COUNT / 8));
    const states = (await sql<{ status: string; outcome: string | null; f: boolean }>`
      select distinct status, outcome, false_rectification as f from rectifications`.execute(t.ctx.db)).rows;
    const has = (status: string, outcome: string | null = null, f = false) => states.some((s) => s.status === status && (outcome === null || s.outcome === outcome) && s.f === f);
    for (const s of ['verifying', 'rectifying', 'revisiting', 'appealing']) expect(has(s), s).toBe(true);
    for (const o of ['resolved', 'unfounded', 'appeal_upheld']) expect(has('closed', o), o).toBe(true);
    expect(states.some((s) => s.f), '虚假整改').toBe(true);

    // The worse units show in the metrics.
    const meta = (await t.ctx.db.selectFrom('meta').select('value').where('key', '=', 'demo-activity').executeTakeFirstOrThrow()).value as { worseUnits: string[] };
    const [worst] = await unitMetrics(t.ctx.db, { from: '2025-10-01', to: '2026-10-01', unitCode: meta.worseUnits[0], minSample: 1, includeSubUnits: false });
    const [all] = await unitMetrics(t.ctx.db, { from: '2025-10-01', to: '2026-10-01', unitCode: 'U99000001', minSample: 1 }).catch(() => [undefined]);
    expect(worst!.metrics.badRate.value).toBeGreaterThan(0.15);
    if (all) expect(all.metrics.badRate.value!).toBeLessThan(worst!.metrics.badRate.value!);

    await integrateAll(t.ctx);
    const report = await verifyDatabase(t.ctx);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);

    const again = await loadDemoActivity({ db: t.ctx.db, cipher: t.ctx.cipher }, items, { transactions: COUNT });
    expect(again.skipped).toBe(true);
    expect(await count(sql`select count(*)::int as n from service_transactions where transaction_code like 'DMT%'`)).toBe(COUNT);
  }, 600_000);
});

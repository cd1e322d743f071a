// `probity unit-metrics`: the period names, and the command itself against a database holding a
// quarter's transactions and ratings of one unit, compared with unitMetrics computed in process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/helpers/app.ts';
import { createTestDatabase, TEST_PG_URL } from '../../../test/helpers/db.ts';
import { insertTransactions } from '../../../test/helpers/transactions.ts';
import type { Config } from '../../config.ts';
import { createContext, type AppContext } from '../../context.ts';
import { loadDemo } from '../demo/service.ts';
import { parsePeriod } from './cli.ts';
import { unitMetrics } from './metrics-service.ts';
import { ingestRatings } from './service.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const UNIT = 'U99010201';
let config: Config;
let ctx: AppContext | undefined;

describe('parsePeriod', () => {
  it('reads years, halves, quarters and months as [from, to)', () => {
    expect(parsePeriod('2026Q3')).toEqual({ from: '2026-07-01', to: '2026-10-01' });
    expect(parsePeriod('2026q4')).toEqual({ from: '2026-10-01', to: '2027-01-01' });
    expect(parsePeriod('2026')).toEqual({ from: '2026-01-01', to: '2027-01-01' });
    expect(parsePeriod('2026H2')).toEqual({ from: '2026-07-01', to: '2027-01-01' });
    expect(parsePeriod('2026-02')).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(parsePeriod('2026-12')).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    for (const bad of ['2026Q5', '2026Q0', '2026H3', '2026-13', '2026-00', '26Q1', 'Q3', '']) expect(parsePeriod(bad), bad).toBeUndefined();
  });
});

describe('probity unit-metrics', () => {
  beforeAll(async () => {
    const silent = pino({ level: 'silent' });
    if (TEST_PG_URL) {
      const database = await createTestDatabase();
      config = testConfig({ databaseUrl: database.url });
      ctx = await createContext(config, { database, log: silent });
    } else {
      config = testConfig();
      ctx = await createContext(config, { log: silent });
    }
    await loadDemo({ db: ctx.db, cipher: ctx.cipher }, { staff: 10, seed: 'cli' });
    // 30 completed transactions in July 2025; 20 rated: 14 good (4–5), 6 bad (1–2).
    const specs = Array.from({ length: 30 }, (_, i) => ({
      code: `CLIM${String(i).padStart(4, '0')}`, unitCode: UNIT, promisedDays: 5,
      acceptedAt: new Date(Date.UTC(2025, 6, 1 + (i % 28), 1)), completedAt: new Date(Date.UTC(2025, 6, 2 + (i % 28), 8)),
    }));
    await insertTransactions(ctx.db, specs);
    const rated = await ingestRatings({ db: ctx.db, cipher: ctx.cipher }, specs.slice(0, 20).map((s, i) => ({
      transactionCode: s.code, level: i < 14 ? 4 + (i % 2) : 1 + (i % 2), channel: 'per_matter', ratedAt: new Date(s.completedAt.getTime() + 3600_000),
    })));
    expect(rated.inserted).toBe(20);
    if (!TEST_PG_URL) {
      await ctx.close(); // PGlite: one process at a time
      ctx = undefined;
    }
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  });

  const probity = (args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PROBITY_DATA_DIR: config.dataDir, PROBITY_DATA_KEY: config.dataKey, PROBITY_DEMO: 'off', LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
    return spawnSync(process.execPath, ['bin/probity.mjs', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  };

  it('prints the metrics of a unit for a quarter, the same as the service computes, and refuses a bad period in one line', async () => {
    const json = probity(['unit-metrics', '--period', '2025Q3', '--unit', UNIT, '--json']);
    expect(json.status, json.stderr).toBe(0);
    const printed = JSON.parse(json.stdout);
    expect(printed).toMatchObject({ unit: { code: UNIT }, from: '2025-07-01', to: '2025-10-01', includeSubUnits: true });
    expect(printed.counts).toMatchObject({ ratings: 20, badRatings: 6, rectifications: 6 });
    expect(printed.metrics.goodRate).toEqual({ value: 0.7, numerator: 14, denominator: 20 });
    expect(printed.metrics.badRate).toEqual({ value: 0.3, numerator: 6, denominator: 20 });

    const table = probity(['unit-metrics', '--period', '2025Q3', '--unit', UNIT, '--min-sample', '50']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain(`${UNIT} `);
    expect(table.stdout).toMatch(/好评率 good rate\s+— \(insufficient evidence: 14\/20\)/); // below the asked-for minimum sample

    const bad = probity(['unit-metrics', '--period', '2025Q5', '--unit', UNIT]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^probity: --period must be/);
    const unknown = probity(['unit-metrics', '--period', '2025Q3', '--unit', 'U00000000']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^probity: .*U00000000/);

    // The JSON is exactly the service's answer (computed after the CLI exits: PGlite is single-process).
    const c = ctx ?? (ctx = await createContext(config, { log: pino({ level: 'silent' }) }));
    const [direct] = await unitMetrics(c.db, { from: '2025-07-01', to: '2025-10-01', unitCode: UNIT, minSample: 10 });
    expect(printed).toEqual(JSON.parse(JSON.stringify(direct)));
  });
});

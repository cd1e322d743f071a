// Raw COPY of the stored transactions into a same-shaped table (`like service_transactions including
// all`: same columns, defaults, checks and indexes): the limit the ingest benches report against.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { measure, type CpuMeter, type Spent } from '../lib/meter.ts';

export const COPY_COLUMNS = 'source_id, external_id, transaction_code, service_item_id, unit_id, handler_staff_id, channel, status, accepted_at, completed_at, promised_days, content_hash';
export const SAME_SHAPE = 'create table copy_target (like service_transactions including all)';

/**
 * PostgreSQL: the stored rows exported to a file in `dir` first, then COPY FROM STDIN measured alone
 * (through pg-copy-streams). Returns the rows copy_target holds and what the COPY took.
 */
export async function rawCopyPostgres(url: string, meter: CpuMeter, dir: string): Promise<{ rows: number; spent: Spent }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const tsv = path.join(dir, 'rows.copy');
  try {
    await client.query(SAME_SHAPE);
    await pipeline(client.query(copyTo(`copy (select ${COPY_COLUMNS} from service_transactions) to stdout`)), fs.createWriteStream(tsv));
    const { spent } = await measure(meter, () =>
      pipeline(fs.createReadStream(tsv, { highWaterMark: 1 << 20 }), client.query(copyFrom(`copy copy_target (${COPY_COLUMNS}) from stdin`))));
    const n = await client.query<{ n: number }>('select count(*)::int as n from copy_target');
    return { rows: n.rows[0]!.n, spent };
  } finally {
    fs.rmSync(tsv, { force: true });
    await client.end();
  }
}

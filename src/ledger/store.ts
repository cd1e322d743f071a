// The ledger's SQL (its repository): entries, integration batches, tiles and the signed state.
// Everything above this file sees tiles and entries as bytes and never which driver it runs on.
import { sql, type Kysely, type Transaction } from 'kysely';
import { textBytes } from '../db/params.ts';
import type { DB } from '../db/types.ts';
import { entryLine, type LedgerEntry } from './entry.ts';
import type { Hash } from './hash.ts';
import { encodeEntryBundle, ENTRIES_LEVEL, type Tile, type TileBytes, type TileData, TILE_WIDTH, truncateTile, withInner } from './tiles.ts';
import type { TileReader } from './tlog.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

// Bytes cross the driver boundary as text, converted by the database: entries (ASCII lines) as
// text, tiles as base64. PGlite (de)serialises bytea one byte at a time in JavaScript, which made
// integration several times slower; node-postgres does not mind either way.
export const entryText = sql<string>`convert_from(entry, 'UTF8')`;
const dataBase64 = sql<string>`encode(data, 'base64')`;
const innerBase64 = sql<string | null>`encode(inner_hashes, 'base64')`;
export const bytesOfEntry = (text: string) => Buffer.from(text, 'latin1');
const bytesOfBase64 = (b64: string) => Buffer.from(b64, 'base64');
const toBase64 = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');

// ---- appending -------------------------------------------------------------------------------

/**
 * Writes entries inside the caller's transaction, so a record and its entry commit together or not
 * at all. One statement and one parameter whatever the count: the lines joined, split again in SQL,
 * and each line's type, id and version read from its own fields (entryLine checked that none holds a
 * space or newline). node-postgres escapes a text[] parameter element by element, which was a tenth
 * of the main thread's time on a bulk staff import (measured).
 */
export async function appendToLedger(trx: Executor, entries: readonly LedgerEntry[]): Promise<void> {
  if (!entries.length) return;
  const text = entries.map(entryLine).join(''); // flat, not a rope the driver must flatten
  await sql`
    insert into ledger_entries (entry, record_type, record_id, record_version)
    select convert_to(e || chr(10), 'UTF8'), split_part(e, ' ', 2), split_part(e, ' ', 3), split_part(e, ' ', 4)::int
    from unnest(string_to_array(left(${textBytes(text)}::text, -1), chr(10))) with ordinality as u(e, i)
    order by i
  `.execute(trx);
}

// ---- integration -----------------------------------------------------------------------------

/**
 * The highest seq below which every entry is final: committed (and visible) or never to commit.
 * Entries commit in any order, so a number drawn by a transaction still running may be below
 * numbers already visible. So: read the sequence's last value, then list the transactions writing
 * to ledger_entries (an INSERT takes its RowExclusiveLock before it draws a number, so every
 * transaction that drew one up to that value and has not ended is on the list), and wait until
 * they have all ended. Usually nobody is writing; under load it is a few milliseconds; on PGlite
 * nothing runs concurrently. Unrelated transactions, even long ones, do not hold it up.
 */
export async function safePoint(db: Kysely<DB>, timeoutMs = 30_000): Promise<number> {
  const last = await sql<{ l: number | null }>`
    select pg_sequence_last_value(pg_get_serial_sequence('ledger_entries', 'seq')::regclass) as l
  `.execute(db);
  const value = Number(last.rows[0]?.l ?? 0);
  const writers = (await sql<{ v: string }>`select virtualtransaction as v from ${writersOfEntries}`.execute(db)).rows.map((r) => r.v);
  for (const until = Date.now() + timeoutMs; writers.length; ) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${writersOfEntries} where virtualtransaction = any(${writers}::text[])`.execute(db);
    if (Number(r.rows[0]!.n) === 0) break;
    if (Date.now() > until) throw new Error(`ledger: transactions writing entries (${writers.join(', ')}) have not ended in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return value;
}

/** Other sessions' transactions that insert (or otherwise write) into ledger_entries now. */
const writersOfEntries = sql`(
  select virtualtransaction from pg_locks
  where locktype = 'relation' and mode = 'RowExclusiveLock' and pid <> pg_backend_pid()
    and database = (select oid from pg_database where datname = current_database())
    and relation = 'ledger_entries'::regclass
) as w`;

export interface PendingBatch {
  entries: Uint8Array[];
  /** The seq ranges the entries came from, ascending (gaps between them have no entry). */
  runs: [number, number][];
  /** The batch covers after+1 … lastSeq. */
  lastSeq: number;
}

/**
 * Up to `limit` entries with after < seq ≤ upTo, in seq order, as one row: the entries as one text
 * (each ends in its only newline) and their seqs as another. One row instead of thousands is what
 * keeps PGlite's protocol code out of the way.
 */
export async function readPendingBatch(db: Executor, after: number, upTo: number, limit: number): Promise<PendingBatch> {
  const result = await sql<{ entries: string | null; seqs: string | null }>`
    select string_agg(${entryText}, '' order by seq) as entries, string_agg(seq::text, ',' order by seq) as seqs
    from (select seq, entry from ledger_entries where seq > ${after} and seq <= ${upTo} order by seq limit ${limit}) b
  `.execute(db);
  const row = result.rows[0]!;
  const seqs = row.seqs ? row.seqs.split(',').map(Number) : [];
  const runs: [number, number][] = [];
  for (const seq of seqs) {
    const last = runs[runs.length - 1];
    if (last && last[1] + 1 === seq) last[1] = seq;
    else runs.push([seq, seq]);
  }
  const entries = splitLines(row.entries ?? '');
  if (entries.length !== seqs.length) throw new Error(`ledger: ${seqs.length} entries read but ${entries.length} lines (an entry with an inner newline?)`);
  return { entries, runs, lastSeq: seqs.length === limit ? seqs[seqs.length - 1]! : Math.max(after, upTo) };
}

function splitLines(text: string): Uint8Array[] {
  const all = bytesOfEntry(text);
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = all.indexOf(10); i >= 0; i = all.indexOf(10, start)) {
    out.push(all.subarray(start, i + 1));
    start = i + 1;
  }
  if (start !== all.length) throw new Error('ledger: an entry does not end in a newline');
  return out;
}

export interface Batch {
  firstSeq: number;
  lastSeq: number;
  firstIdx: number;
  count: number;
  /** Seq ranges in firstSeq … lastSeq without an entry. */
  gaps: [number, number][];
}

/** The gaps of [first, last] not covered by `runs` (ascending, inside it). */
export function gapsBetween(first: number, last: number, runs: readonly [number, number][]): [number, number][] {
  const gaps: [number, number][] = [];
  let next = first;
  for (const [lo, hi] of runs) {
    if (lo > next) gaps.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= last) gaps.push([next, last]);
  return gaps;
}

/** Seq of the entry with this log index in `batch` (which must contain it). */
export function seqInBatch(batch: Batch, idx: number): number {
  let seq = batch.firstSeq + (idx - batch.firstIdx);
  for (const [lo, hi] of batch.gaps) {
    if (lo > seq) break;
    seq += hi - lo + 1;
  }
  return seq;
}

/** Log index of the entry with this seq in `batch` (which must contain it). */
export function indexInBatch(batch: Batch, seq: number): number {
  let skipped = 0;
  for (const [lo, hi] of batch.gaps) if (lo < seq) skipped += hi - lo + 1;
  return batch.firstIdx + (seq - batch.firstSeq) - skipped;
}

export async function saveBatch(trx: Transaction<DB>, b: Batch): Promise<void> {
  await trx.insertInto('ledger_batches').values({
    first_seq: b.firstSeq, last_seq: b.lastSeq, first_idx: b.firstIdx, count: b.count,
    gap_lo: b.gaps.map((g) => g[0]), gap_hi: b.gaps.map((g) => g[1]),
  }).execute();
}

type BatchRow = { first_seq: number; last_seq: number; first_idx: number; count: number; gap_lo: unknown; gap_hi: unknown };
const toBatch = (r: BatchRow): Batch => {
  const lo = (r.gap_lo as (number | string)[]).map(Number);
  const hi = (r.gap_hi as (number | string)[]).map(Number);
  return { firstSeq: Number(r.first_seq), lastSeq: Number(r.last_seq), firstIdx: Number(r.first_idx), count: Number(r.count), gaps: lo.map((l, i) => [l, hi[i]!]) };
};

/** The batch holding this seq, if it was integrated. */
export async function batchOf(db: Executor, seq: number): Promise<Batch | undefined> {
  const row = await db.selectFrom('ledger_batches').selectAll().where('last_seq', '>=', seq).orderBy('last_seq').limit(1).executeTakeFirst();
  return row && row.first_seq <= seq ? toBatch(row) : undefined;
}

/**
 * Entries with log index lo … hi−1, in order: how entry bundles are served (they are not stored
 * twice). Throws if the entries and their batches disagree.
 */
export async function readEntriesByIndex(db: Executor, lo: number, hi: number): Promise<Uint8Array[]> {
  if (hi <= lo) return [];
  // The batch holding lo (the last one starting at or before it), and any starting before hi: both
  // index range scans, however long the log.
  const rows = await db.selectFrom('ledger_batches').selectAll()
    .where('count', '>', 0).where('first_idx', '<', hi)
    .where('first_idx', '>=', (eb) => eb.selectFrom('ledger_batches').select((e) => e.fn.max('first_idx').as('m')).where('first_idx', '<=', lo).where('count', '>', 0))
    .orderBy('first_idx').execute();
  const batches = rows.map(toBatch);
  const first = batches[0];
  const last = batches[batches.length - 1];
  if (!first || !last || first.firstIdx > lo || last.firstIdx + last.count < hi) throw new Error(`ledger: no batches cover indices ${lo}…${hi - 1}`);
  const found = await readSeqRange(db, seqInBatch(first, lo), seqInBatch(last, hi - 1));
  if (found.length !== hi - lo) throw new Error(`ledger: ${found.length} entries stored for indices ${lo}…${hi - 1}`);
  return found.map((r) => r.entry);
}

/** Batches in order, starting with the one that starts at firstSeq. */
export async function readBatches(db: Executor, firstSeq: number, limit: number): Promise<Batch[]> {
  const rows = await db.selectFrom('ledger_batches').selectAll().where('first_seq', '>=', firstSeq).orderBy('first_seq').limit(limit).execute();
  return rows.map(toBatch);
}

// ---- state and checkpoints -------------------------------------------------------------------

export interface LedgerState {
  size: number;
  /** Entries with seq up to this are integrated. */
  seq: number;
  /** Root of the tree of `size` entries; undefined while the log is empty. */
  root?: Uint8Array;
  /** The signed checkpoint of exactly this size and root. */
  checkpoint?: string;
}

function toState(row: { size: number; seq: number; root: Uint8Array | null; checkpoint: string | null } | undefined): LedgerState {
  if (!row) throw new Error('ledger_state has no row: migration 0002 did not run');
  return { size: Number(row.size), seq: Number(row.seq), root: row.root ?? undefined, checkpoint: row.checkpoint ?? undefined };
}

export async function readState(db: Executor): Promise<LedgerState> {
  return toState(await db.selectFrom('ledger_state').select(['size', 'seq', 'root', 'checkpoint']).executeTakeFirst());
}

/**
 * Reads the state and locks its row until the transaction ends. Integration is serialised on this
 * lock, so even two integrators that both believe they lead cannot number an index twice.
 */
export async function lockState(trx: Transaction<DB>): Promise<LedgerState> {
  return toState(await trx.selectFrom('ledger_state').select(['size', 'seq', 'root', 'checkpoint']).forUpdate().executeTakeFirst());
}

/** Records that entries up to seq are integrated, and, when the tree grew, its new signed checkpoint. */
export async function saveState(trx: Transaction<DB>, seq: number, grown?: { size: number; root: Hash; checkpoint: string }): Promise<void> {
  if (!grown) {
    await trx.updateTable('ledger_state').set({ seq, updated_at: new Date() }).execute();
    return;
  }
  const { size, root, checkpoint } = grown;
  const updated = await trx.updateTable('ledger_state').set({ seq, size, root, checkpoint, updated_at: new Date() }).where('size', '<', size).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new Error(`ledger: refusing to publish size ${size}: sizes only grow`);
  await trx.insertInto('ledger_checkpoints').values({ size, root, checkpoint }).execute();
}

export async function checkpointsAt(db: Executor, sizes: number[]): Promise<Map<number, string>> {
  if (!sizes.length) return new Map();
  const rows = await db.selectFrom('ledger_checkpoints').select(['size', 'checkpoint']).where('size', 'in', sizes).execute();
  return new Map(rows.map((r) => [Number(r.size), r.checkpoint]));
}

// ---- tiles -----------------------------------------------------------------------------------

export interface StoredTile {
  tile: Tile;
  /** The tile's hashes; a full tile's data also carries its inner hashes (tiles.ts withInner). */
  data: TileBytes;
  /** A full tile's stored inner hashes, if it has them (migration 0011). */
  inner?: Uint8Array;
}

type TileRow = { level: number | string; idx: number | string; width: number | string; data: string; inner: string | null };
function storedTile(r: TileRow, attachInner: boolean): StoredTile {
  const tile = { level: Number(r.level), index: Number(r.idx), width: Number(r.width) };
  const data = bytesOfBase64(r.data);
  const inner = r.inner ? bytesOfBase64(r.inner) : undefined;
  return { tile, data: attachInner ? withInner(data, inner) : data, ...(inner ? { inner } : {}) };
}

const tileKey = (level: number, index: number) => `${level}/${index}`;

/** Stored tiles (any width) by (level, index); missing ones are absent from the map. */
export async function readStoredTiles(db: Executor, ids: readonly { level: number; index: number }[]): Promise<Map<string, StoredTile>> {
  const out = new Map<string, StoredTile>();
  if (!ids.length) return out;
  const rows = await sql<TileRow>`
    select t.level, t.idx, t.width, ${dataBase64} as data, ${innerBase64} as inner from ledger_tiles t
    join unnest(${ids.map((t) => t.level)}::smallint[], ${ids.map((t) => t.index)}::bigint[]) as w(level, idx) on t.level = w.level and t.idx = w.idx
  `.execute(db);
  for (const r of rows.rows) {
    const t = storedTile(r, true);
    out.set(tileKey(t.tile.level, t.tile.index), t);
  }
  return out;
}

export async function readStoredTile(db: Executor, level: number, index: number): Promise<StoredTile | undefined> {
  return (await readStoredTiles(db, [{ level, index }])).get(tileKey(level, index));
}

/**
 * Tiles of one level with index in [from, to), in index order: for audits that walk the log. Their
 * data does not carry the inner hashes (an audit folds the hashes themselves); `inner` has them.
 */
export async function readTileRange(db: Executor, level: number, from: number, to: number): Promise<StoredTile[]> {
  const rows = await db.selectFrom('ledger_tiles').select(['level', 'idx', 'width', dataBase64.as('data'), innerBase64.as('inner')])
    .where('level', '=', level).where('idx', '>=', from).where('idx', '<', to).orderBy('idx').execute();
  return rows.map((r) => storedTile(r, false));
}

export async function tileCounts(db: Executor): Promise<Map<number, { count: number; maxIndex: number }>> {
  const rows = await db.selectFrom('ledger_tiles').select((eb) => ['level', eb.fn.countAll<number>().as('n'), eb.fn.max('idx').as('max')]).groupBy('level').execute();
  return new Map(rows.map((r) => [Number(r.level), { count: Number(r.n), maxIndex: Number(r.max) }]));
}

/**
 * A TileReader over the stored tiles: each at the requested width, cut from the stored (possibly
 * wider) version; entry bundles are assembled from the entries. A missing or too narrow tile
 * rejects, as the interface requires.
 */
export function dbTileReader(db: Executor): TileReader {
  return {
    async readTiles(tiles) {
      const stored = await readStoredTiles(db, tiles.filter((t) => t.level !== ENTRIES_LEVEL));
      return Promise.all(tiles.map(async (t) => {
        if (t.level === ENTRIES_LEVEL) return encodeEntryBundle(await readEntriesByIndex(db, t.index * TILE_WIDTH, t.index * TILE_WIDTH + t.width));
        const s = stored.get(tileKey(t.level, t.index));
        if (!s || s.tile.width < t.width) throw new Error(`ledger: tile ${t.level}/${t.index} of width ${t.width} is not stored`);
        return s.tile.width === t.width ? s.data : truncateTile(s.tile, s.data, t.width);
      }));
    },
  };
}

/**
 * Writes tiles at their new width. A tile never gets narrower (that would mean the tree shrank), so
 * a narrower write is ignored rather than allowed to destroy published data.
 */
export async function upsertTiles(trx: Transaction<DB>, tiles: readonly TileData[]): Promise<void> {
  for (const t of tiles) {
    if (t.tile.width < 1 || t.tile.width > TILE_WIDTH) throw new RangeError(`bad tile width ${t.tile.width}`);
    if (t.tile.level === ENTRIES_LEVEL) throw new RangeError('entry bundles are not stored: they are assembled from ledger_entries');
  }
  // A few hundred tiles per batch: one VALUES row each (scalar parameters beat array ones here).
  for (let at = 0; at < tiles.length; at += 1000) {
    const rows = tiles.slice(at, at + 1000).map((t) =>
      sql`(${t.tile.level}::smallint, ${t.tile.index}::bigint, ${t.tile.width}::smallint, decode(${toBase64(t.data)}, 'base64'), decode(${t.inner ? toBase64(t.inner) : null}, 'base64'))`);
    await sql`
      insert into ledger_tiles (level, idx, width, data, inner_hashes) values ${sql.join(rows)}
      on conflict (level, idx) do update set width = excluded.width, data = excluded.data, inner_hashes = excluded.inner_hashes
      where ledger_tiles.width < excluded.width
    `.execute(trx);
  }
}

// ---- entries ---------------------------------------------------------------------------------

export interface StoredEntry {
  seq: number;
  entry: Uint8Array;
  version: number;
}

/** The record's entry of `version`, or of its highest version, integrated or not. */
export async function findEntry(db: Executor, type: string, id: string, version?: number): Promise<StoredEntry | undefined> {
  let q = db.selectFrom('ledger_entries').select(['seq', entryText.as('entry'), 'record_version']).where('record_type', '=', type).where('record_id', '=', id);
  if (version !== undefined) q = q.where('record_version', '=', version);
  const row = await q.orderBy('record_version', 'desc').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row && { seq: Number(row.seq), entry: bytesOfEntry(row.entry), version: row.record_version };
}

export async function pendingCount(db: Executor): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ledger_entries where seq > (select seq from ledger_state)`.execute(db);
  return Number(r.rows[0]!.n);
}

/** Entries with lo ≤ seq ≤ hi, in seq order. */
export async function readSeqRange(db: Executor, lo: number, hi: number) {
  const rows = await db.selectFrom('ledger_entries').select(['seq', entryText.as('entry'), 'record_type', 'record_id', 'record_version'])
    .where('seq', '>=', lo).where('seq', '<=', hi).orderBy('seq').execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), entry: bytesOfEntry(r.entry) }));
}

/** Integrated entries (seq ≤ upTo): how many, and the seq range. */
export async function integratedStats(db: Executor, upTo: number): Promise<{ count: number }> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ledger_entries where seq <= ${upTo}`.execute(db);
  return { count: Number(r.rows[0]!.n) };
}

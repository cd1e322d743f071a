// The integrator (整合器): the log's single writer. It takes final entries in seq order up to the safe
// point, gives them dense indices (a batch row), writes the changed hash tiles and signs a checkpoint,
// all in ONE transaction per batch, so a crash at any point leaves either the old state with the
// entries still pending, or the new state.
//
// Leadership: on PostgreSQL every server process runs an Integrator, and the one holding a session
// advisory lock on a dedicated connection does the work; the others retry the lock and take over if
// that connection drops. On PGlite there is one process (the embedded lock), so it is in-process.
// Correctness does not rest on the advisory lock: each batch locks the ledger_state row first, so
// even two processes that both believe they lead serialise, and the second sees the first's result.
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';
import { signCheckpoint } from './checkpoint.ts';
import type { Hash } from './hash.ts';
import type { Signer } from './note.ts';
import { ledgerSigner } from './signer.ts';
import * as store from './store.ts';
import { type TileData, TILE_WIDTH } from './tiles.ts';
import { appendEntries, type TileReader } from './tlog.ts';

/** Up to this many entries per transaction: about half a second of work on 2 cores. */
export const DEFAULT_BATCH = 50_000;
/** Poll interval while idle. */
export const DEFAULT_IDLE_MS = 200;
/**
 * Pause after a round that published a checkpoint: a write is in a signed checkpoint within about
 * this plus the poll interval (goal ≤ 1 s), and a steady trickle of writes signs at most twice a
 * second instead of at every poll (each checkpoint is kept in ledger_checkpoints).
 */
export const DEFAULT_SIGN_EVERY_MS = 500;
/** pg_try_advisory_lock key of the integrator: the bytes of "prbtyldg". */
export const LEADER_LOCK_KEY = '8102646931985818727';

export interface IntegrateOptions {
  batchSize?: number;
  /** Runs after every write of a batch, just before its commit. Tests throw here to simulate a crash. */
  beforeCommit?: () => void | Promise<void>;
  /** Checked before each batch: stop early (the batch in flight still commits). */
  shouldStop?: () => boolean;
}

export interface IntegrateResult {
  /** Entries integrated by this call. */
  integrated: number;
  /** Tree size afterwards (the published checkpoint's size). */
  size: number;
}

/** Another integrator changed the log between our read and our commit: start again from the database. */
class Conflict extends Error {}

interface Computed {
  batch: store.Batch;
  /** Present when the batch has entries (a batch of only gaps just moves state.seq on). */
  grown?: { size: number; root: Hash; checkpoint: string; tiles: TileData[] };
}

/**
 * Integrates entries up to the current safe point, batch by batch. Entries are never rewritten: a
 * batch row records which seq range became which log indices. Hashing a batch needs only its
 * entries and the right edge of the tree, kept in memory between batches, so batch k+1 is read and
 * hashed while batch k's transaction is still being written (on PostgreSQL the database and the
 * hashing then use both cores). Each batch is one transaction, which first locks the state row and
 * checks it is still where the batch started; anything else aborts and starts over.
 */
async function integrate(db: Kysely<DB>, signer: Signer, options: IntegrateOptions & { maxBatches?: number }, progress: IntegrateResult): Promise<void> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const state = await store.readState(db);
  progress.size = state.size;
  const upTo = await store.safePoint(db);
  if (upTo <= state.seq) return;
  let after = state.seq;
  let size = state.size;
  const edge = new Map<string, Uint8Array>();
  const edgeReader: TileReader = {
    async readTiles(tiles) {
      // The first batch reads the edge from the database; later ones from what the last batch computed.
      const missing = tiles.filter((t) => !edge.has(`${t.level}/${t.index}`));
      if (missing.length) {
        const data = await store.dbTileReader(db).readTiles(missing);
        missing.forEach((t, i) => edge.set(`${t.level}/${t.index}`, data[i]!));
      }
      return tiles.map((t) => edge.get(`${t.level}/${t.index}`)!);
    },
  };

  const compute = async (): Promise<Computed> => {
    const read = await store.readPendingBatch(db, after, upTo, batchSize);
    const batch: store.Batch = {
      firstSeq: after + 1, lastSeq: read.lastSeq, firstIdx: size, count: read.entries.length,
      gaps: store.gapsBetween(after + 1, read.lastSeq, read.runs),
    };
    after = read.lastSeq;
    if (!read.entries.length) return { batch };
    const r = await appendEntries(edgeReader, size, read.entries, { bundles: false }); // bundles are assembled from ledger_entries
    for (const t of r.tiles) {
      // Only partial tiles are read again, as the next batch's edge.
      if (t.tile.width < TILE_WIDTH) edge.set(`${t.tile.level}/${t.tile.index}`, t.data);
      else edge.delete(`${t.tile.level}/${t.tile.index}`);
    }
    size = r.size;
    const checkpoint = signCheckpoint({ origin: signer.name, size: r.size, root: r.root }, signer);
    return { batch, grown: { size: r.size, root: r.root, checkpoint, tiles: r.tiles } };
  };

  const commit = ({ batch, grown }: Computed) =>
    db.transaction().execute(async (trx) => {
      const locked = await store.lockState(trx);
      if (locked.seq !== batch.firstSeq - 1 || locked.size !== batch.firstIdx) {
        throw new Conflict(`the log is at seq ${locked.seq}, size ${locked.size}; this batch starts at seq ${batch.firstSeq}, index ${batch.firstIdx}`);
      }
      await store.saveBatch(trx, batch);
      if (grown) await store.upsertTiles(trx, grown.tiles);
      await store.saveState(trx, batch.lastSeq, grown);
      await options.beforeCommit?.();
    });

  let batches = 0;
  let inFlight: Promise<void> = Promise.resolve();
  try {
    while (after < upTo) {
      if ((options.maxBatches !== undefined && batches >= options.maxBatches) || options.shouldStop?.()) break;
      const c = await compute();
      await inFlight; // at most one batch being written while the next is computed
      batches++;
      inFlight = commit(c).then(() => {
        progress.integrated += c.batch.count;
        progress.size = c.batch.firstIdx + c.batch.count;
      });
      inFlight.catch(() => {}); // observed here, rethrown where it is awaited
    }
    await inFlight;
  } catch (err) {
    await inFlight.catch(() => {});
    throw err;
  }
}

/** Runs `integrate` again from the database's state when another integrator got in the way. */
async function withRetries(db: Kysely<DB>, signer: Signer, options: IntegrateOptions & { maxBatches?: number }): Promise<IntegrateResult> {
  const progress: IntegrateResult = { integrated: 0, size: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      await integrate(db, signer, options, progress);
      return progress;
    } catch (err) {
      if (!(err instanceof Conflict) || attempt >= 20) throw err;
    }
  }
}

/** Integrates one batch of pending entries (at most batchSize) in one transaction. */
export async function integrateBatch(db: Kysely<DB>, signer: Signer, options: IntegrateOptions = {}): Promise<IntegrateResult> {
  return withRetries(db, signer, { ...options, maxBatches: 1 });
}

/** Integrates until nothing is pending (or shouldStop), batch after batch, pipelined. */
export async function integratePending(db: Kysely<DB>, signer: Signer, options: IntegrateOptions = {}): Promise<IntegrateResult> {
  return withRetries(db, signer, options);
}

export interface LedgerDeps {
  db: Kysely<DB>;
  config: Pick<Config, 'ledgerKey' | 'ledgerOrigin' | 'dataDir' | 'databaseUrl'>;
}

/** One batch with the configured key: for the CLI and tests. */
export async function integrateOnce(deps: LedgerDeps, options: IntegrateOptions = {}): Promise<IntegrateResult> {
  return integrateBatch(deps.db, ledgerSigner(deps.config), options);
}

/** Integrates until nothing is pending (pipelined); returns the total integrated and the final size. */
export async function integrateAll(deps: LedgerDeps, options: IntegrateOptions = {}): Promise<IntegrateResult> {
  return integratePending(deps.db, ledgerSigner(deps.config), options);
}

export interface IntegratorOptions {
  batchSize?: number;
  idleMs?: number;
  signEveryMs?: number;
  /** Wait between attempts to take the leader lock, and after an error. */
  retryMs?: number;
  /** PostgreSQL URL for the leader connection; without it (or on PGlite) the integrator is in-process. */
  leaderUrl?: string;
}

/** The background loop the server runs: start() on ready, stop() on close. */
export class Integrator {
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private leaderClient?: pg.Client;
  private leading = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly signer: Signer,
    private readonly log: Logger,
    private readonly options: IntegratorOptions = {},
  ) {}

  get isLeader(): boolean {
    return this.options.leaderUrl === undefined || this.leading;
  }

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops after the batch in flight (which commits or rolls back whole) and gives up the lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    await this.dropLeadership();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH;
    while (!this.stopped) {
      let delay = this.options.idleMs ?? DEFAULT_IDLE_MS;
      try {
        if (!(await this.lead())) {
          delay = this.options.retryMs ?? 2000;
        } else {
          const r = await integratePending(this.db, this.signer, { batchSize, shouldStop: () => this.stopped });
          if (r.integrated) {
            this.log.debug({ integrated: r.integrated, size: r.size }, 'ledger: integrated');
            delay = this.options.signEveryMs ?? DEFAULT_SIGN_EVERY_MS;
          }
        }
      } catch (err) {
        if (this.stopped) break;
        this.log.error({ err }, 'ledger: integration failed; entries stay pending and will be retried');
        delay = this.options.retryMs ?? 2000;
      }
      if (delay > 0 && !this.stopped) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** True when this process may integrate now; tries to become the leader if it is not. */
  private async lead(): Promise<boolean> {
    const url = this.options.leaderUrl;
    if (url === undefined || this.leading) return true;
    if (!this.leaderClient) {
      const client = new pg.Client({ connectionString: url, application_name: 'probity-ledger-leader' });
      // If the leader connection drops, the server releases the lock; stop acting as leader at once.
      const lost = (err?: Error) => {
        if (this.leading) this.log.warn({ err }, 'ledger: lost the leader connection; standing by');
        this.leading = false;
        if (this.leaderClient === client) this.leaderClient = undefined;
        client.end().catch(() => {});
      };
      client.on('error', lost);
      client.on('end', () => lost());
      await client.connect();
      this.leaderClient = client;
    }
    const r = await this.leaderClient.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [LEADER_LOCK_KEY]);
    this.leading = Boolean(r.rows[0]?.ok);
    if (this.leading) this.log.info('ledger: this process is the integrator');
    return this.leading;
  }

  private async dropLeadership(): Promise<void> {
    const client = this.leaderClient;
    this.leaderClient = undefined;
    this.leading = false;
    // Closing the session releases the advisory lock.
    if (client) await client.end().catch(() => {});
  }
}

// Inner hashes of full hash tiles (decision 73 in docs/decisions.md): the 16 tree hashes at level
// 8·L+4 of each full tile, written by the integrator with the tile, so that an inclusion proof folds
// about 30 hashes of a level-0 tile instead of about 250. Tiles written before this migration have
// none and are folded in full as before; `ledger verify --database` checks every stored one against
// its tile. Not part of the published C2SP tiles. Forward-only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ledger_tiles add column inner_hashes bytea`.execute(db);
  await sql`alter table ledger_tiles add constraint ledger_tiles_inner_hashes_size check (inner_hashes is null or (width = 256 and octet_length(inner_hashes) = 512))`.execute(db);
}

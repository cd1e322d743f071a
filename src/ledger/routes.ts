// Ledger HTTP: the public log (/ledger/checkpoint, /ledger/key, /ledger/tile/...) exactly as C2SP
// tlog-tiles, the permission-checked record proofs and consistency proofs under /api/ledger, and the
// integrator's lifecycle (started when the server is ready, stopped when it closes).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../context.ts';
import { LEDGER_RECORD_TYPES } from './catalog.ts';
import { Integrator } from './integrator.ts';
import { consistencyProof, latestCheckpoint, readDeps, readTile, recordProof } from './service.ts';
import { ledgerSigner } from './signer.ts';

const TEXT = 'text/plain; charset=utf-8';
const IMMUTABLE = 'public, max-age=31536000, immutable';
// A partial tile's bytes never change either, but it is superseded quickly; keep caches short.
const PARTIAL = 'public, max-age=60';

const RecordParams = Type.Object({
  type: Type.String({ description: LEDGER_RECORD_TYPES.join(' | ') }),
  id: Type.String({ minLength: 1, maxLength: 128, description: 'the code for registry records (e.g. S0000001); the number for users and imports' }),
});
const RecordQuery = Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, description: 'a specific version (default: the latest)' })) });
const Hashes = Type.Array(Type.String({ description: 'base64 SHA-256' }));
const RecordProof = Type.Object({
  type: Type.String(),
  id: Type.String(),
  version: Type.Integer(),
  leafIndex: Type.Integer(),
  entry: Type.String({ description: 'the entry bytes, base64' }),
  entryFields: Type.Object({ time: Type.String(), digest: Type.String() }),
  treeSize: Type.Integer(),
  rootHash: Type.String(),
  inclusionProof: Hashes,
  checkpoint: Type.String({ description: 'signed checkpoint (C2SP signed note) of treeSize' }),
  stored: Type.Object({ version: Type.Integer(), digest: Type.String(), matchesEntry: Type.Boolean() }),
  batch: Type.Optional(Type.Object({
    type: Type.String(), id: Type.String(),
    line: Type.String({ description: 'this record version as the batch lists it: "id:version:sha256"' }),
    record: Type.Record(Type.String(), Type.Unknown(), { description: "the batch's canonical record; its SHA-256 is the entry's digest" }),
  }, { description: 'records committed in batches (evidence): the entry above is that of this batch record (see docs/ledger.md)' })),
});
const ConsistencyQuery = Type.Object({
  from: Type.Integer({ minimum: 1, description: 'the older tree size (e.g. of the checkpoint you kept)' }),
  to: Type.Optional(Type.Integer({ minimum: 1, description: 'size of a published checkpoint (default: the latest)' })),
});
const Consistency = Type.Object({
  from: Type.Integer(), to: Type.Integer(), fromRoot: Type.String(), toRoot: Type.String(), proof: Hashes,
  fromCheckpoint: Type.Union([Type.String(), Type.Null()]), toCheckpoint: Type.String(),
});

/** The PostgreSQL URL for the integrator's leader connection (tests pass the database's own URL). */
function leaderUrl(ctx: AppContext): string | undefined {
  if (ctx.database.kind !== 'postgres') return undefined;
  return ctx.config.databaseUrl ?? (ctx.database as { url?: string }).url;
}

export async function ledgerRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const signer = ledgerSigner(ctx.config);
  const deps = readDeps(ctx.db);
  const url = leaderUrl(ctx);
  if (ctx.database.kind === 'postgres' && !url) ctx.log.warn('ledger: no PostgreSQL URL for leader election; integrating in-process (still safe: batches serialise on ledger_state)');
  const integrator = new Integrator(ctx.db, signer, ctx.log, { leaderUrl: url });
  app.addHook('onReady', async () => integrator.start());
  app.addHook('onClose', async () => integrator.stop());

  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  app.get('/ledger/checkpoint', { schema: { hide: true } }, async (_req, reply) => {
    noStore(reply);
    const checkpoint = await latestCheckpoint(deps);
    return reply.header('cache-control', 'no-cache').type(TEXT).send(checkpoint);
  });

  app.get('/ledger/key', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=300').type(TEXT).send(`${signer.verifierKey}\n`),
  );

  app.get<{ Params: { '*': string } }>('/ledger/tile/*', { schema: { hide: true } }, async (req, reply) => {
    noStore(reply); // until found: a 404 must not be cached, the tile may exist in a second
    const t = await readTile(deps, `tile/${req.params['*']}`);
    return reply.header('cache-control', t.immutable ? IMMUTABLE : PARTIAL).type('application/octet-stream').send(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  });

  app.get<{ Params: Static<typeof RecordParams>; Querystring: Static<typeof RecordQuery> }>(
    '/api/ledger/records/:type/:id',
    {
      schema: {
        tags: ['ledger'],
        summary: "A record's ledger entry with its inclusion proof against the latest checkpoint (for those allowed to see the record)",
        params: RecordParams,
        querystring: RecordQuery,
        response: { 200: RecordProof },
      },
    },
    async (req) => recordProof(deps, req.principal, req.params.type, req.params.id, req.query.version),
  );

  app.get<{ Querystring: Static<typeof ConsistencyQuery> }>(
    '/api/ledger/consistency',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Consistency proof from an older tree size to a published checkpoint (outsiders compute it from the public tiles)',
        querystring: ConsistencyQuery,
        response: { 200: Consistency },
      },
    },
    async (req) => consistencyProof(deps, req.principal, req.query.from, req.query.to),
  );
}

// The ledger library: pure functions and small interfaces; the database-backed integrator,
// HTTP routes and CLI build on these. See docs/ledger.md for the formats.
export * from './hash.ts';
export * from './tiles.ts';
export * from './tlog.ts';
export * from './note.ts';
export * from './checkpoint.ts';
export * from './entry.ts';
export * from './canonical.ts';
export { MemoryLog } from './memory.ts';

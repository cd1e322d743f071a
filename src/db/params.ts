// Long text parameters (a batch of values packed into one text, split again in SQL) as UTF-8 bytes.
//
// PGlite measures a string parameter's UTF-8 length in a JavaScript loop, twice, before copying it:
// on a bulk ingest that was a twentieth of the main thread, where PGlite's database also runs
// (measured in bench/ingest, decision 84). Bytes are sent as they are, in binary format, which for a
// text parameter is its UTF-8 itself (the server still checks the encoding). node-postgres sends a
// Buffer the same way. The PGlite dialect passes bytes through for text parameters (pglite-dialect.ts).

/** A long text parameter, for `${textBytes(s)}::text` in SQL. */
export const textBytes = (text: string): Buffer => Buffer.from(text, 'utf8');

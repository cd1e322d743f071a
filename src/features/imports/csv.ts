// CSV records (RFC 4180) from text chunks: what csv-parse returned with { bom, relax_column_count,
// skip_empty_lines } (csv.test.ts compares the two), written for the bulk import's hot path.
// csv-parse's stream (a Transform per byte chunk, a push and an async step per record, its field
// buffers) was about a tenth of the client's time on a 100,000-row staff import (measured).
//
// Fields are separated by commas; a field that starts with a double quote runs to the closing quote
// ("" inside it is one quote) and may hold commas and line breaks. Records end at LF, CR or CRLF,
// in any mix (csv-parse took the first kind it met for the whole file and read the others as data);
// empty lines are skipped. Like csv-parse (without relax_quotes) it refuses a quote inside an
// unquoted field, text after a closing quote, and a quote left open at the end.

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** A record longer than this is refused: an unclosed quote would otherwise hold the whole file. */
export const MAX_RECORD_CHARS = 1024 * 1024;

/** The text cannot be read as CSV; `records` complete records came before the bad one. */
export class CsvSyntaxError extends Error {
  constructor(message: string, readonly records: number) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export class CsvSplitter {
  private rest = '';
  private first = true;
  private records = 0;

  /**
   * The complete records in what has arrived so far; an incomplete last record waits for the next
   * chunk. `final` marks the end of the text (the last record needs no line break).
   */
  push(chunk: string, final = false): string[][] {
    let text = this.rest ? this.rest + chunk : chunk;
    if (this.first && text.length) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark
    }
    const n = text.length;
    const out: string[][] = [];
    let pos = 0;
    records: while (pos < n) {
      const start = pos;
      const c0 = text.charCodeAt(pos);
      if (c0 === LF || c0 === CR) {
        pos++; // an empty line, or the LF of a CRLF whose CR ended the record before
        continue;
      }
      const fields: string[] = [];
      for (;;) {
        let end: number; // the character after the field: comma, CR, LF, or -1 at the end
        if (pos < n && text.charCodeAt(pos) === QUOTE) {
          let value = '';
          let from = pos + 1;
          for (;;) {
            const q = text.indexOf('"', from);
            // Not closed yet, or closed at the very end where a second quote may follow: wait.
            if (q < 0 || (q + 1 >= n && !final)) {
              if (q < 0 && final) throw new CsvSyntaxError('a quoted field is not closed', this.records + out.length);
              pos = start;
              break records;
            }
            if (text.charCodeAt(q + 1) === QUOTE) {
              value += text.slice(from, q + 1);
              from = q + 2;
              continue;
            }
            value += text.slice(from, q);
            pos = q + 1;
            break;
          }
          fields.push(value);
          end = pos < n ? text.charCodeAt(pos) : -1;
          if (end !== COMMA && end !== LF && end !== CR && end !== -1) {
            throw new CsvSyntaxError('a closing quote must be followed by a comma or the end of the line', this.records + out.length);
          }
        } else {
          let i = pos;
          let c = -1;
          for (; i < n; i++) {
            c = text.charCodeAt(i);
            if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
          }
          if (i >= n) {
            if (!final) {
              pos = start;
              break records;
            }
            c = -1;
          }
          if (c === QUOTE) throw new CsvSyntaxError('a quote inside an unquoted field (quote the whole field and double the quote)', this.records + out.length);
          fields.push(text.slice(pos, i));
          pos = i;
          end = c;
        }
        if (end === COMMA) {
          pos++;
          continue;
        }
        if (end !== -1) pos++; // LF, or CR (a following LF is skipped as an empty line)
        out.push(fields);
        continue records;
      }
    }
    this.rest = pos < n ? text.slice(pos) : '';
    if (this.rest.length > MAX_RECORD_CHARS) {
      throw new CsvSyntaxError(`a record longer than ${MAX_RECORD_CHARS} characters (a quote not closed?)`, this.records + out.length);
    }
    if (final && this.rest) throw new CsvSyntaxError('the file ends inside a record', this.records + out.length);
    this.records += out.length;
    return out;
  }
}

// Streams the data rows of a CSV or XLSX file as loose records keyed by canonical field names.
// The format is recognised by content (XLSX is a ZIP), never by the file name.
import fs from 'node:fs';
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { AppError } from '../../lib/errors.ts';
import { CsvSplitter, CsvSyntaxError } from './csv.ts';

export interface SourceRow {
  /** Row number as a spreadsheet shows it: the header is row 1, the first data row is row 2. */
  row: number;
  values: Record<string, string>;
}

export type FileFormat = 'csv' | 'xlsx';

export async function sniffFormat(file: string): Promise<FileFormat> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';
  } finally {
    await handle.close();
  }
}

export async function fileSha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Lower-cases Latin letters and drops spaces, _ and -, so "Unit Code", "unit_code" and "unitCode" match. */
export const normaliseHeader = (h: string) => h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_\-（）()]/g, '');

export interface HeaderSpec {
  /** canonical field → accepted header spellings (normalised by normaliseHeader). */
  aliases: Record<string, string[]>;
  required: string[];
}

/** Maps column positions to canonical fields, or explains which required columns are missing. */
export function mapHeader(header: string[], spec: HeaderSpec): (string | null)[] {
  const lookup = new Map<string, string>();
  for (const [field, names] of Object.entries(spec.aliases)) for (const n of [field, ...names]) lookup.set(normaliseHeader(n), field);
  const columns = header.map((h) => lookup.get(normaliseHeader(h)) ?? null);
  const missing = spec.required.filter((f) => !columns.includes(f));
  if (missing.length) {
    throw new AppError(400, `The file's header lacks required column(s): ${missing.join(', ')}`, {
      title: 'Validation Failed',
      errors: missing.map((f) => ({ path: `header/${f}`, message: `column missing (accepted names: ${[f, ...(spec.aliases[f] ?? [])].join(', ')})` })),
    });
  }
  return columns;
}

function toRecord(columns: (string | null)[], cells: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (let i = 0; i < columns.length; i++) {
    const field = columns[i];
    if (field) values[field] = (cells[i] ?? '').trim();
  }
  return values;
}

async function* csvRows(file: string, spec: HeaderSpec): AsyncGenerator<SourceRow> {
  const splitter = new CsvSplitter();
  let columns: (string | null)[] | null = null;
  let row = 1;
  const take = function* (records: string[][]): Generator<SourceRow> {
    for (const cells of records) {
      if (!columns) {
        columns = mapHeader(cells, spec);
        continue;
      }
      row++;
      yield { row, values: toRecord(columns, cells) };
    }
  };
  try {
    for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) yield* take(splitter.push(chunk as string));
    yield* take(splitter.push('', true));
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    // The reason only, never the text: a line may hold personal data.
    throw new AppError(400, `The CSV file cannot be read at row ${err.records + 1}: ${err.message}`, { title: 'Validation Failed' });
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

async function* xlsxRows(file: string, spec: HeaderSpec): AsyncGenerator<SourceRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' });
  let columns: (string | null)[] | null = null;
  for await (const sheet of workbook) {
    for await (const r of sheet) {
      const values = (r.values as ExcelJS.CellValue[]).slice(1).map(cellText);
      if (!columns) {
        columns = mapHeader(values, spec);
        continue;
      }
      if (values.every((v) => v.trim() === '')) continue;
      yield { row: r.number, values: toRecord(columns, values) };
    }
    break; // only the first worksheet holds data
  }
  if (!columns) throw new AppError(400, 'The workbook has no header row', { title: 'Validation Failed' });
}

export async function readRows(file: string, spec: HeaderSpec): Promise<AsyncGenerator<SourceRow>> {
  return (await sniffFormat(file)) === 'xlsx' ? xlsxRows(file, spec) : csvRows(file, spec);
}

/** Data rows in the file, for progress: a byte scan for CSV, a parsing pass for XLSX. */
export async function countRows(file: string, spec: HeaderSpec): Promise<number> {
  if ((await sniffFormat(file)) === 'csv') return countCsvRecords(file);
  let n = 0;
  for await (const _ of await readRows(file, spec)) n++;
  return n;
}

/** Counts non-empty CSV records minus the header, honouring quoted newlines (RFC 4180). */
async function countCsvRecords(file: string): Promise<number> {
  let records = 0;
  let inQuotes = false;
  let lineHasContent = false;
  for await (const chunk of fs.createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i]!;
      if (c === 0x22) inQuotes = !inQuotes;
      if (c === 0x0a && !inQuotes) {
        if (lineHasContent) records++;
        lineHasContent = false;
      } else if (c !== 0x0d) lineHasContent = true;
    }
  }
  if (lineHasContent) records++;
  return Math.max(0, records - 1);
}

// Reads a calendar CSV (date, kind, name; Chinese headers 日期, 类型, 名称 accepted) into checked rows
// and row-level errors. Pure: the service writes the good rows.
import { parse } from 'csv-parse/sync';
import { mapHeader, type HeaderSpec } from '../imports/reader.ts';
import { checkDay, defaultName, KIND_HINT, parseDateLoose, parseKind, type DayInput } from './rules.ts';

export const CALENDAR_HEADER: HeaderSpec = {
  aliases: {
    date: ['日期', 'day'],
    kind: ['类型', '类别', 'type'],
    name: ['名称', '节日', '节假日名称', '说明', 'holiday'],
  },
  required: ['date', 'kind'],
};

export interface CsvRowError {
  /** The line in the file (the header is row 1), as a spreadsheet shows it. */
  row: number;
  field: string;
  reason: string;
}

export interface ParsedCalendarCsv {
  rows: (DayInput & { row: number })[];
  errors: CsvRowError[];
}

/**
 * Lines starting with # are comments. A date given twice is an error on the later row (the first is
 * kept). A missing or empty name becomes 节假日 / 调休上班. Throws a 400 AppError when the header
 * lacks the date or kind column.
 */
export function parseCalendarCsv(text: string): ParsedCalendarCsv {
  const records = parse(text, {
    bom: true, relax_column_count: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, info: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const result: ParsedCalendarCsv = { rows: [], errors: [] };
  if (!records.length) {
    mapHeader([], CALENDAR_HEADER); // throws: no header
    return result;
  }
  const columns = mapHeader(records[0]!.record, CALENDAR_HEADER);
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const row = info.lines;
    const values: Record<string, string> = {};
    columns.forEach((field, i) => {
      if (field) values[field] = (record[i] ?? '').trim();
    });
    if (Object.values(values).every((v) => v === '')) continue;
    const rowErrors: CsvRowError[] = [];
    const date = parseDateLoose(values.date ?? '');
    if (!values.date) rowErrors.push({ row, field: 'date', reason: 'is required' });
    else if (!date) rowErrors.push({ row, field: 'date', reason: 'must be a real date written YYYY-MM-DD' });
    const kind = parseKind(values.kind ?? '');
    if (!values.kind) rowErrors.push({ row, field: 'kind', reason: 'is required' });
    else if (!kind) rowErrors.push({ row, field: 'kind', reason: `must be ${KIND_HINT}` });
    if (date && kind) {
      const input = { date, kind, name: values.name || defaultName(kind) };
      for (const e of checkDay(input)) rowErrors.push({ row, field: e.field, reason: e.message });
      const first = seen.get(date);
      if (first !== undefined) rowErrors.push({ row, field: 'date', reason: `${date} is already given on row ${first}` });
      if (!rowErrors.length) {
        seen.set(date, row);
        result.rows.push({ row, ...input, name: input.name.trim() });
      }
    }
    result.errors.push(...rowErrors);
  }
  return result;
}

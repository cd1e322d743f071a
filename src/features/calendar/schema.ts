// Request and response schemas of the calendar API.
import { Type } from 'typebox';
import { MAX_NAME } from './rules.ts';
import { MAX_WORKING_DAYS } from './working-days.ts';

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD (a day in Beijing time)' });
const Kind = Type.Union([Type.Literal('holiday'), Type.Literal('workday')], {
  description: 'holiday = a weekday that is a day off; workday = a Saturday or Sunday that is a make-up working day (调休上班)',
});

export const DateParams = Type.Object({ date: Day });

export const CalendarQuery = Type.Object(
  {
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    days: Type.Optional(Type.Boolean({ description: 'also list every day of the range with its working / non-working status' })),
  },
  { additionalProperties: false },
);

export const DayBody = Type.Object(
  { kind: Kind, name: Type.String({ minLength: 1, maxLength: MAX_NAME, description: 'e.g. 国庆节, 春节调休上班' }) },
  { additionalProperties: false },
);

export const CalendarDay = Type.Object({
  date: Type.String(), kind: Type.String(), name: Type.String(), weekday: Type.String(), version: Type.Integer(),
  updatedBy: Type.Union([Type.String(), Type.Null()]), updatedAt: Type.String(),
});

export const CalendarRange = Type.Object({
  from: Type.String(),
  to: Type.String(),
  coveredYears: Type.Array(Type.Integer(), { description: 'years with at least one exception; other years follow the plain Mon–Fri week' }),
  exceptions: Type.Array(CalendarDay),
  days: Type.Optional(Type.Array(Type.Object({
    date: Type.String(), weekday: Type.Integer({ description: '0 = Sunday … 6 = Saturday' }), working: Type.Boolean(),
    kind: Type.Optional(Type.String()), name: Type.Optional(Type.String()),
  }))),
});

export const RowError = Type.Object({ row: Type.Integer(), field: Type.String(), reason: Type.String() });

export const ImportReport = Type.Object({
  rows: Type.Integer(), inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), kept: Type.Integer(),
  errors: Type.Array(RowError),
});

export const DeadlineQuery = Type.Object(
  {
    from: Type.String({ minLength: 10, maxLength: 40, description: 'an instant with its offset (2025-09-30T10:00:00+08:00) or a date (Beijing time)' }),
    days: Type.Integer({ minimum: 1, maximum: MAX_WORKING_DAYS }),
  },
  { additionalProperties: false },
);

export const Deadline = Type.Object({
  from: Type.String(),
  days: Type.Integer(),
  deadline: Type.String({ description: 'the end (23:59:59.999 Beijing time) of the n-th working day after the day of from, in UTC' }),
  deadlineLocal: Type.String({ description: 'the same instant written in Beijing time (+08:00)' }),
  deadlineDate: Type.String({ description: 'the deadline day, YYYY-MM-DD' }),
});

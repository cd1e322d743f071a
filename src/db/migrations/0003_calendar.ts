// The working-day calendar (工作日历): exceptions to the Mon–Fri week, and SQL with exactly the
// semantics of src/features/calendar/working-days.ts for deadlines and metrics computed in SQL.
// Forward-only: never edit a released migration, add a new one.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- holiday = a day off (meaningful on Mon–Fri; allowed on a weekend so a whole festival can be
    -- listed); workday = a Saturday or Sunday worked in exchange (调休上班). Deleting marks the row
    -- deleted (a new version), so every version stays committed in the ledger.
    create table calendar_days (
      id serial primary key,
      day date not null unique check (day between date '2000-01-01' and date '2099-12-31'),
      kind text not null check (kind in ('holiday','workday')),
      name text not null check (char_length(name) between 1 and 50),
      deleted boolean not null default false,
      version int not null default 1,
      updated_by int references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (kind = 'holiday' or extract(isodow from day) >= 6)
    );

    -- The Beijing-time (UTC+8, no DST) date of an instant, whatever the session time zone.
    -- Immutable and simple, so it is inlined into queries and usable in indexes.
    create function shanghai_date(t timestamptz) returns date
      language sql immutable strict parallel safe
      as $f$ select ((t at time zone 'UTC') + interval '8 hours')::date $f$;

    create function is_working_day(d date) returns boolean
      language sql stable strict parallel safe
      as $f$ select coalesce((select c.kind = 'workday' from calendar_days c where c.day = d and not c.deleted),
                             extract(isodow from d) < 6) $f$;

    -- Working days d with day(a) < d <= day(b); negative when b is before a. Mon–Fri days are
    -- counted in closed form (k = days since Monday 2000-01-03; weekdays in 0..k = k + 1 - the
    -- Saturdays and Sundays, floor((k+2)/7) + floor((k+1)/7)), then the exceptions in between.
    create function working_days_between(a timestamptz, b timestamptz) returns integer
      language plpgsql stable strict parallel safe
      as $f$
      declare
        lo date := least(shanghai_date(a), shanghai_date(b));
        hi date := greatest(shanghai_date(a), shanghai_date(b));
        klo integer := lo - date '2000-01-03';
        khi integer := hi - date '2000-01-03';
        adj integer;
      begin
        if lo = hi then
          return 0;
        end if;
        select coalesce(sum(case when c.kind = 'workday' then 1 when extract(isodow from c.day) < 6 then -1 else 0 end), 0)::int
          into adj from calendar_days c where not c.deleted and c.day > lo and c.day <= hi;
        return (case when b < a then -1 else 1 end) * (
          (khi - (khi + 2 - ((khi + 2) % 7 + 7) % 7) / 7 - (khi + 1 - ((khi + 1) % 7 + 7) % 7) / 7)
          - (klo - (klo + 2 - ((klo + 2) % 7 + 7) % 7) / 7 - (klo + 1 - ((klo + 1) % 7 + 7) % 7) / 7)
          + adj);
      end
      $f$;

    -- The end (23:59:59.999 Beijing time) of the n-th working day strictly after the day of t.
    -- One query fetches the exceptions of the next 400 days; the days are then walked in memory.
    create function add_working_days(t timestamptz, n integer) returns timestamptz
      language plpgsql stable strict parallel safe
      as $f$
      declare
        d date := shanghai_date(t);
        horizon date := shanghai_date(t);
        remaining integer := n;
        off integer := 0;
        off_days date[];
        on_days date[];
      begin
        if n < 1 or n > 3650 then
          raise exception 'add_working_days: n must be from 1 to 3650, got %', n using errcode = '22023';
        end if;
        loop
          if d >= horizon then
            select coalesce(array_agg(c.day) filter (where c.kind = 'holiday'), '{}'),
                   coalesce(array_agg(c.day) filter (where c.kind = 'workday'), '{}')
              into off_days, on_days
              from calendar_days c where not c.deleted and c.day > horizon and c.day <= horizon + 400;
            horizon := horizon + 400;
          end if;
          d := d + 1;
          if (extract(isodow from d) >= 6 and d = any(on_days)) or (extract(isodow from d) < 6 and not d = any(off_days)) then
            remaining := remaining - 1;
            off := 0;
            exit when remaining = 0;
          else
            off := off + 1;
            if off > 60 then
              raise exception 'add_working_days: more than 60 days off in a row after %', d - off using errcode = '22023';
            end if;
          end if;
        end loop;
        return ((d + 1)::timestamp - interval '8 hours' - interval '1 millisecond') at time zone 'UTC';
      end
      $f$;

    -- Every day of 2000–2099 with its working-day ordinal (working days from 2000-01-01 up to and
    -- including the day), computed on the fly (tens of milliseconds). For metrics over many rows,
    -- join it twice instead of calling working_days_between per row:
    --   join calendar_ordinals oa on oa.day = shanghai_date(t.accepted_at)
    --   join calendar_ordinals ob on ob.day = shanghai_date(t.completed_at)   -- ob.ordinal - oa.ordinal
    create view calendar_ordinals as
      select x.day, x.working, (sum(case when x.working then 1 else 0 end) over (order by x.day))::int as ordinal
      from (
        select g::date as day,
               case when c.kind is null then extract(isodow from g) < 6 else c.kind = 'workday' end as working
        from generate_series(timestamp '2000-01-01', timestamp '2099-12-31', interval '1 day') g
        left join calendar_days c on c.day = g::date and not c.deleted
      ) x;
  `.execute(db);
}

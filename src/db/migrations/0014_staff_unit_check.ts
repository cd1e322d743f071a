// Staff rows name an existing unit, checked once per statement instead of once per row (decision 86).
// The foreign key ran a query and took a row lock on the unit for every staff row written: about a
// third of the server's CPU for a 4,000-row insert of staff (bench/import/write-cost.sh). The
// statement-level triggers check the distinct units of all rows a statement wrote, with the same
// error code and constraint name the foreign key raised. What the foreign key also guarded, a unit
// deleted from under its staff, cannot happen: units are never deleted (the registry retires
// records, it does not remove them), now enforced. Forward-only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table staff drop constraint staff_unit_id_fkey;

    create function staff_units_exist() returns trigger language plpgsql as $$
    begin
      if exists (select from (select distinct unit_id from written) w where not exists (select from units u where u.id = w.unit_id)) then
        raise exception 'insert or update on table "staff" violates foreign key constraint "staff_unit_id_fkey"'
          using errcode = 'foreign_key_violation', constraint = 'staff_unit_id_fkey', table = 'staff',
                detail = 'A staff row names a unit that does not exist.';
      end if;
      return null;
    end $$;
    -- A transition table allows one event per trigger, and no column list on update.
    create trigger staff_units_on_insert after insert on staff
      referencing new table as written for each statement execute function staff_units_exist();
    create trigger staff_units_on_update after update on staff
      referencing new table as written for each statement execute function staff_units_exist();

    create function units_never_deleted() returns trigger language plpgsql as $$
    begin
      raise exception 'units are never deleted' using errcode = 'restrict_violation', table = 'units';
    end $$;
    create trigger units_never_deleted before delete on units for each statement execute function units_never_deleted();
    create trigger units_never_truncated before truncate on units for each statement execute function units_never_deleted();`.execute(db);
}

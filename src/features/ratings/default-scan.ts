// Which transactions a default-rating run (默认评价) looks at. Pure.
//
// Looking at every completed transaction without a rating made each run scan the whole history:
// with 3,000,000 transactions, all rated, one batch took 2.3 s (a hash anti-join over both tables,
// measured), and a province's 10^8 a year would make a daily run take hours. A finished run leaves
// a mark instead: every completed transaction that it could see with completed_at ≤ its cutoff has
// a rating. The next run then only looks at
//   - a window: completed_at in (mark − WINDOW_MARGIN, cutoff], which also catches a completion
//     reported by a later update of the record up to WINDOW_MARGIN late, and
//   - late arrivals: rows inserted since the mark (id above it), whatever their completion time.
// A completion reported more than WINDOW_MARGIN late by an update of an already stored record is
// not seen by the daily run; a full run (`full`) looks at everything (docs/ratings.md).

export const WINDOW_MARGIN_DAYS = 14;
const DAY_MS = 86_400_000;

/** What a finished run guarantees (stored in meta under DEFAULT_SCAN_KEY). */
export interface DefaultScanMark {
  /** Every completed transaction seen with completed_at ≤ this has a rating. */
  completedThrough: Date;
  /** Every transaction with an id ≤ this was visible to that run. */
  idThrough: number;
}

export const DEFAULT_SCAN_KEY = 'ratings.default_scan';

export type DefaultScan =
  | { kind: 'all'; upTo: Date }
  | { kind: 'window'; after: Date; upTo: Date }
  | { kind: 'late'; idAbove: number; upTo: Date };

/** A run's cutoff: transactions completed by then have had afterDays days to be rated. */
export const defaultCutoff = (now: Date, afterDays: number) => new Date(now.getTime() - afterDays * DAY_MS);

/** The scans of a run with this cutoff (now − afterDays), from the last run's mark (none: look at everything). */
export function planDefaultScans(mark: DefaultScanMark | null, cutoff: Date, full = false): DefaultScan[] {
  if (!mark || full) return [{ kind: 'all', upTo: cutoff }];
  const after = new Date(mark.completedThrough.getTime() - WINDOW_MARGIN_DAYS * DAY_MS);
  // A cutoff before the window (afterDays raised by more than the margin) leaves only the late rows.
  if (after.getTime() >= cutoff.getTime()) return [{ kind: 'late', idAbove: mark.idThrough, upTo: cutoff }];
  return [{ kind: 'window', after, upTo: cutoff }, { kind: 'late', idAbove: mark.idThrough, upTo: after }];
}

/**
 * How old a row must be for the run to trust that every lower id is committed: the mark's idThrough
 * is the highest id of the rows created at least this long before the run. Ids are drawn when a row
 * is written, so a lower id not yet visible would belong to a transaction open for longer than this
 * (ingest batches take seconds).
 */
export const SETTLE_MS = 3_600_000;

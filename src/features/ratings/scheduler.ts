// The daily default-rating run inside the server process: a timer for the next hh:00 Beijing time,
// re-armed after each run. Idempotent, so several replicas running it at once only repeat a no-op.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/types.ts';
import { SHANGHAI_OFFSET_MS } from '../calendar/working-days.ts';
import { applyDefaultRatings } from './service.ts';

const DAY_MS = 86_400_000;

/** The next instant strictly after `now` at which Beijing time is `hour`:00. Pure. */
export function nextRunAt(now: Date, hour: number): Date {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  const todayRun = Math.floor(local / DAY_MS) * DAY_MS + hour * 3_600_000;
  const next = todayRun > local ? todayRun : todayRun + DAY_MS;
  return new Date(next - SHANGHAI_OFFSET_MS);
}

export interface DailyJob {
  stop(): Promise<void>;
}

export function startDefaultRatingJob(db: Kysely<DB>, log: Pick<Logger, 'info' | 'error'>, opts: { hour: number; afterDays: number; level: number }): DailyJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const at = nextRunAt(new Date(), opts.hour);
    timer = setTimeout(run, Math.max(1000, at.getTime() - Date.now()));
    timer.unref();
  };
  const run = () => {
    running = applyDefaultRatings(db, new Date(), { afterDays: opts.afterDays, level: opts.level })
      .then(({ rated }) => log.info({ rated, afterDays: opts.afterDays, level: opts.level }, 'default ratings applied'))
      .catch((err: unknown) => log.error({ err }, 'default-rating run failed; retried at the next run'))
      .finally(() => {
        running = undefined;
        arm();
      });
  };
  arm();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

// Settings of the ratings feature, read from the environment once when the routes are registered
// (same rules as src/config.ts: a bad value stops the start with a one-line reason).
//
//   PROBITY_PUBLIC_RATE_LIMIT        public ratings per minute per client address (default 600)
//   PROBITY_DEFAULT_RATING_DAYS      days after completion before the default rating applies (default 7)
//   PROBITY_DEFAULT_RATING_LEVEL     the default level (default 3 基本满意)
//   PROBITY_DEFAULT_RATING_HOUR      Beijing hour of the daily run, 0–23, or 'off' (default 2)
//   PROBITY_METRICS_MIN_SAMPLE       smallest denominator a metric is computed from (default 10)
//   PROBITY_RATING_WRITERS           public-rating batches written at the same time (default 2)
import { AppError } from '../../lib/errors.ts';

export interface RatingsSettings {
  publicRateLimit: number;
  defaultRating: { afterDays: number; level: number; hour: number | null };
  metricsMinSample: number;
  ratingWriters: number;
}

export const DEFAULT_SETTINGS: RatingsSettings = {
  publicRateLimit: 600,
  defaultRating: { afterDays: 7, level: 3, hour: 2 },
  metricsMinSample: 10,
  ratingWriters: 2,
};

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AppError(400, `${name} must be an integer ${min}..${max}, got "${raw}"`, { title: 'Bad configuration' });
  }
  return n;
}

export function loadRatingsSettings(env: NodeJS.ProcessEnv = process.env): RatingsSettings {
  const d = DEFAULT_SETTINGS;
  const hour = env.PROBITY_DEFAULT_RATING_HOUR === 'off' ? null : int(env, 'PROBITY_DEFAULT_RATING_HOUR', d.defaultRating.hour!, 0, 23);
  return {
    publicRateLimit: int(env, 'PROBITY_PUBLIC_RATE_LIMIT', d.publicRateLimit, 1, 100_000_000),
    defaultRating: {
      afterDays: int(env, 'PROBITY_DEFAULT_RATING_DAYS', d.defaultRating.afterDays, 1, 365),
      level: int(env, 'PROBITY_DEFAULT_RATING_LEVEL', d.defaultRating.level, 1, 5),
      hour,
    },
    metricsMinSample: int(env, 'PROBITY_METRICS_MIN_SAMPLE', d.metricsMinSample, 1, 1_000_000),
    ratingWriters: int(env, 'PROBITY_RATING_WRITERS', d.ratingWriters, 1, 8),
  };
}

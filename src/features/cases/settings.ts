// Case settings from the environment, read once per server process.
export interface CasesSettings {
  /** First response (首次响应) within this many hours of submission. PROBITY_CASE_FIRST_RESPONSE_HOURS, default 24. */
  firstResponseHours: number;
  /** A reporter may reopen within this many days of the decision. PROBITY_CASE_REOPEN_DAYS, default 15. */
  reopenDays: number;
  /** Remind the unit this many hours before the first-response deadline. Default 4. */
  firstResponseReminderHours: number;
  /** Remind the unit when the 办结 deadline is within this many working days. Default 1. */
  dueReminderWorkingDays: number;
  /** Minutes between SLA runs; null (PROBITY_CASE_CLOCK_MINUTES=off) disables the job. Default 5. */
  clockMinutes: number | null;
  /** Duplicate window in days and similarity threshold (character-bigram Jaccard). */
  duplicateWindowDays: number;
  duplicateThreshold: number;
  /** Where cases without a subject go (unit code); default the first top-level unit. */
  intakeUnitCode: string | undefined;
  /** Public submissions per address per minute. */
  publicRateLimit: number;
  /** scrypt cost of receipt codes (N); the code carries 46 random bits, see docs/decisions.md. */
  receiptScryptN: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

export function loadCasesSettings(env: NodeJS.ProcessEnv = process.env): CasesSettings {
  const clock = env.PROBITY_CASE_CLOCK_MINUTES;
  const n = int(env, 'PROBITY_RECEIPT_SCRYPT_N', 256, 256, 1 << 20);
  if ((n & (n - 1)) !== 0) throw new Error('PROBITY_RECEIPT_SCRYPT_N must be a power of two');
  return {
    firstResponseHours: int(env, 'PROBITY_CASE_FIRST_RESPONSE_HOURS', 24, 1, 720),
    reopenDays: int(env, 'PROBITY_CASE_REOPEN_DAYS', 15, 1, 365),
    firstResponseReminderHours: int(env, 'PROBITY_CASE_REMINDER_HOURS', 4, 1, 72),
    dueReminderWorkingDays: int(env, 'PROBITY_CASE_REMINDER_WORKING_DAYS', 1, 0, 30),
    clockMinutes: clock === 'off' ? null : int(env, 'PROBITY_CASE_CLOCK_MINUTES', 5, 1, 1440),
    duplicateWindowDays: int(env, 'PROBITY_CASE_DUPLICATE_DAYS', 30, 1, 365),
    duplicateThreshold: 0.5,
    intakeUnitCode: env.PROBITY_CASE_INTAKE_UNIT || undefined,
    publicRateLimit: int(env, 'PROBITY_PUBLIC_CASE_RATE_LIMIT', 30, 1, 1_000_000),
    receiptScryptN: n,
  };
}

import { describe, expect, it } from 'vitest';
import { nextRunAt } from './scheduler.ts';

describe('nextRunAt (daily default-rating run)', () => {
  it('is the next hh:00 Beijing time strictly after now', () => {
    // 01:30 Beijing → 02:00 the same day; 02:00 exactly → the next day; 23:00 → 02:00 the next day.
    expect(nextRunAt(new Date('2025-09-26T01:30:00+08:00'), 2).toISOString()).toBe('2025-09-25T18:00:00.000Z');
    expect(nextRunAt(new Date('2025-09-26T02:00:00+08:00'), 2).toISOString()).toBe('2025-09-26T18:00:00.000Z');
    expect(nextRunAt(new Date('2025-09-26T23:00:00+08:00'), 2).toISOString()).toBe('2025-09-26T18:00:00.000Z');
    expect(nextRunAt(new Date('2025-09-26T07:59:00+08:00'), 0).toISOString()).toBe('2025-09-26T16:00:00.000Z');
  });
});
